// The UDP listener on @svclab/udp-batch: whole batches of queries from one recvmmsg, cached replies
// written straight into the shared out-buffer and sent with one sendmmsg per batch; the rest goes
// through the async chain and is sent singly. No Buffer with its own backing store, no address
// string and no object of ours per cached query.
import type { UdpBatch, UdpBatchSocket } from '@svclab/udp-batch';
import { ADDR_SLOT, isIPv6Peer, peerPort } from '@svclab/udp-batch';
import type { ClientInfo } from './plugin.js';

/** Datagrams per recvmmsg/sendmmsg (the vector length; 64 as knotd's udp batch). */
export const UDP_BATCH_SLOTS = 64;
/** Bytes per slot: MAX_QUERY_SIZE and MAX_UDP_SIZE (longer queries are dropped, as parseQuery does). */
export const UDP_BATCH_SLOT_SIZE = 4096;

/** What the listener needs from the server (DnsServer implements it). */
export interface UdpBatchTarget {
  /**
   * Writes the cached reply to `msg` (with its ID) into `out` and counts it in the metrics with
   * `family` ("1" or "2", as coredns_dns_requests_total); returns its length, or -1 on a miss (or
   * a reply longer than `out`), with nothing counted.
   */
  cachedReplyInto(msg: Buffer, family: string, out: Buffer): number;
  /** The reply to `msg` through the chain (undefined: drop). Never rejects. */
  answer(msg: Buffer, client: ClientInfo): Promise<Buffer | undefined>;
}

export class UdpBatchListener {
  private closed = false;
  /** Slot i of the out-buffer as a Buffer view, made once (the same backing store). */
  private readonly outSlots: Buffer[] = [];

  constructor(
    private readonly sock: UdpBatchSocket,
    private readonly addon: UdpBatch,
    private readonly target: UdpBatchTarget,
  ) {
    for (let i = 0; i < sock.slots; i++)
      this.outSlots.push(sock.outBuf.subarray(i * sock.slotSize, (i + 1) * sock.slotSize));
  }

  get port(): number {
    return this.sock.port;
  }

  start(): void {
    this.sock.start((count) => {
      this.onBatch(count);
    });
  }

  close(): void {
    this.closed = true;
    this.sock.close();
  }

  private onBatch(count: number): void {
    const { inBuf, inLen, inAddr, outLen, outAddr, slotSize } = this.sock;
    let out = 0;
    for (let i = 0; i < count; i++) {
      const len = inLen[i] ?? 0;
      // Cut by the slot: longer than MAX_QUERY_SIZE, which parseQuery drops anyway.
      if (len > slotSize) continue;
      const off = i * slotSize;
      const msg = inBuf.subarray(off, off + len);
      const addrOff = i * ADDR_SLOT;
      const slot = this.outSlots[out];
      const n = slot
        ? this.target.cachedReplyInto(msg, isIPv6Peer(inAddr, addrOff) ? '2' : '1', slot)
        : -1;
      if (n >= 0) {
        outLen[out] = n;
        inAddr.copy(outAddr, out * ADDR_SLOT, addrOff, addrOff + ADDR_SLOT);
        out++;
        continue;
      }
      // Not cached: the chain answers later, so keep copies of the query and of the peer.
      const addr = Buffer.from(inAddr.subarray(addrOff, addrOff + ADDR_SLOT));
      const client: ClientInfo = {
        address: this.addon.formatAddress(addr, 0),
        port: peerPort(addr, 0),
        transport: 'udp',
      };
      void this.target.answer(Buffer.from(msg), client).then((reply) => {
        if (reply && !this.closed) this.sock.sendTo(reply, reply.length, addr);
      });
    }
    if (out > 0) this.sock.send(out);
  }
}
