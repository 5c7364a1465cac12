// Batched UDP for Node.js: a socket read with recvmmsg into one buffer shared with JS, whole
// batches handed to one callback, replies sent with one sendmmsg (src/udp_batch.c). Linux only:
// `loadUdpBatch()` answers undefined (with the reason in `udpBatchUnavailableReason()`) elsewhere
// or when the native module was not built, and never throws.
import { createRequire } from 'node:module';

/** Bytes per peer address in `inAddr`/`outAddr`: a raw sockaddr_in or sockaddr_in6, zero-padded. */
export const ADDR_SLOT = 32;

export interface UdpBatchOpenOptions {
  /** An IPv4 or IPv6 literal ("::" is dual-stack, as a dgram udp6 socket). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** SO_REUSEPORT: several sockets (processes) bind the same port and the kernel spreads datagrams. */
  readonly reusePort?: boolean;
  /** Datagrams per batch (recvmmsg/sendmmsg vector length); default 64. */
  readonly slots?: number;
  /** Bytes per slot; longer datagrams arrive with their full length in `inLen` but only `slotSize` bytes. Default 4096. */
  readonly slotSize?: number;
}

/**
 * One bound UDP socket. NOTE: the in-buffers are rewritten by the next batch: `onBatch` must copy
 * whatever it keeps (query bytes, `inAddr` slots) before it returns. Single-threaded: all calls on
 * the thread (event loop) that opened the socket.
 */
export interface UdpBatchSocket {
  readonly fd: number;
  readonly port: number;
  /** 4 or 6: the family of the bound address. */
  readonly family: 4 | 6;
  readonly slots: number;
  readonly slotSize: number;
  /** Slot i holds datagram i of the current batch at [i × slotSize, i × slotSize + inLen[i]). */
  readonly inBuf: Buffer;
  /** Datagram lengths of the current batch (may exceed slotSize: the datagram was cut, drop it). */
  readonly inLen: Int32Array;
  /** The sender of datagram i as raw sockaddr bytes at [i × ADDR_SLOT, (i + 1) × ADDR_SLOT). */
  readonly inAddr: Buffer;
  /** Replies for `send`: slot i at [i × slotSize, i × slotSize + outLen[i]), to outAddr slot i. */
  readonly outBuf: Buffer;
  readonly outLen: Int32Array;
  readonly outAddr: Buffer;
  /** Starts reading; `onBatch(count)` gets in-slots 0..count-1, called from the event loop. */
  start(onBatch: (count: number) => void): void;
  /**
   * Sends out-slots 0..count-1 with sendmmsg. Returns how many the kernel took at once; the rest
   * is copied and sent when the socket is writable (so the out-slots are free again on return).
   */
  send(count: number): number;
  /** Sends buf[0, len) to the sockaddr in addr[0, ADDR_SLOT) (a copy of an inAddr slot). */
  sendTo(buf: Buffer, len: number, addr: Buffer): void;
  /** Stops reading, drops unsent datagrams and closes the socket. Idempotent. */
  close(): void;
}

export interface UdpBatch {
  open(opts: UdpBatchOpenOptions): UdpBatchSocket;
  /** "127.0.0.1", "::1", "::ffff:1.2.3.4" (as dgram reports it) for the sockaddr at buf[offset]. */
  formatAddress(buf: Buffer, offset: number): string;
}

/** AF_INET6 on Linux, as the first (host-order) 16-bit word of a sockaddr. */
const AF_INET6 = 10;

/** The sockaddr at buf[offset] is IPv6 and not v4-mapped (::ffff:a.b.c.d). */
export function isIPv6Peer(buf: Buffer, offset: number): boolean {
  if (buf.readUInt16LE(offset) !== AF_INET6) return false;
  const a = offset + 8; // sin6_addr
  for (let i = 0; i < 10; i++) if (buf[a + i] !== 0) return true;
  return buf[a + 10] !== 0xff || buf[a + 11] !== 0xff;
}

/** The port of the sockaddr at buf[offset] (IPv4 and IPv6 keep it at the same place). */
export function peerPort(buf: Buffer, offset: number): number {
  return buf.readUInt16BE(offset + 2);
}

interface Native {
  open(
    host: string,
    port: number,
    reusePort: boolean,
    slots: number,
    slotSize: number,
  ): Omit<UdpBatchSocket, 'slots' | 'slotSize'>;
  formatAddress(buf: Buffer, offset: number): string;
}

let loaded: UdpBatch | undefined;
let reason = '';
let tried = false;

function load(): UdpBatch | undefined {
  if (process.platform !== 'linux') {
    reason = `not available on ${process.platform} (Linux only)`;
    return undefined;
  }
  let native: Native;
  try {
    // src/ and dist/ are both one level below the package root, where node-gyp builds.
    native = createRequire(import.meta.url)('../build/Release/udp_batch.node') as Native;
  } catch (err) {
    reason = `native module not loaded: ${err instanceof Error ? err.message : String(err)}`;
    return undefined;
  }
  return {
    open({ host, port, reusePort = false, slots = 64, slotSize = 4096 }) {
      return Object.assign(native.open(host, port, reusePort, slots, slotSize), {
        slots,
        slotSize,
      });
    },
    formatAddress: (buf, offset) => native.formatAddress(buf, offset),
  };
}

/** The addon, or undefined (never throws) when it cannot be used here; see udpBatchUnavailableReason. */
export function loadUdpBatch(): UdpBatch | undefined {
  if (!tried) {
    tried = true;
    loaded = load();
  }
  return loaded;
}

/** Why loadUdpBatch() answered undefined ("" when it did not, or was not called yet). */
export function udpBatchUnavailableReason(): string {
  return reason;
}
