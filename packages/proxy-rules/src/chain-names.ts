// kube-proxy's iptables chain names: KUBE-SVC-/SVL-/EXT-/FW-/SEP- + 16 base32 chars of a sha256
// (pkg/proxy/iptables/proxier.go portProtoHash / servicePortEndpointChainName).
import { hash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Character codes of base32.StdEncoding(sha256(s))[:16] — exactly the first 10 digest bytes. */
function hashCodes(s: string, out: number[]): void {
  const d = hash('sha256', s, 'buffer');
  // 10 bytes = 80 bits = two 40-bit groups of 8 base32 characters.
  for (let g = 0; g < 2; g++) {
    const o = g * 5;
    const hi = d[o] ?? 0;
    const lo =
      (d[o + 1] ?? 0) * 2 ** 24 +
      (d[o + 2] ?? 0) * 2 ** 16 +
      (d[o + 3] ?? 0) * 2 ** 8 +
      (d[o + 4] ?? 0);
    const v = hi * 2 ** 32 + lo; // < 2^40, exact in a double
    for (let i = 7; i >= 0; i--) out.push(BASE32.charCodeAt(Math.floor(v / 2 ** (i * 5)) % 32));
  }
}

/**
 * `prefix` + base32(sha256(s))[:16], built as one flat string: chain names are compared and used
 * as keys hundreds of thousands of times per render, and concatenated (rope) strings are slow there.
 */
export function hashedName(prefix: string, s: string): string {
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  hashCodes(s, codes);
  return String.fromCharCode(...codes);
}

/** base32.StdEncoding(sha256(s))[:16]. */
export function hashPrefix16(s: string): string {
  return hashedName('', s);
}

/** `prefix + rest` as one flat string. */
export function flatConcat(prefix: string, rest: string): string {
  const codes: number[] = [];
  for (let i = 0; i < prefix.length; i++) codes.push(prefix.charCodeAt(i));
  for (let i = 0; i < rest.length; i++) codes.push(rest.charCodeAt(i));
  return String.fromCharCode(...codes);
}

/** The per-service-port hash shared by SVC/SVL/EXT/FW chains: sha256(portName + protocol). */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hashPrefix16(servicePortName + protocol);
}

export const servicePortPolicyClusterChainPrefix = 'KUBE-SVC-';
export const servicePortPolicyLocalChainPrefix = 'KUBE-SVL-';
export const serviceExternalChainPrefix = 'KUBE-EXT-';
export const serviceFirewallChainPrefix = 'KUBE-FW-';
export const servicePortEndpointChainPrefix = 'KUBE-SEP-';

/** `KUBE-SEP-` + base32(sha256(servicePortName + protocol + "ip:port"))[:16]; protocol lowercase. */
export function servicePortEndpointChainName(
  servicePortName: string,
  protocol: string,
  endpoint: string,
): string {
  return hashedName(servicePortEndpointChainPrefix, servicePortName + protocol + endpoint);
}

/** Whether a chain is one kube-proxy creates per service port or endpoint (isServiceChainName). */
export function isServiceChainName(chain: string): boolean {
  return (
    chain.startsWith(servicePortPolicyClusterChainPrefix) ||
    chain.startsWith(servicePortPolicyLocalChainPrefix) ||
    chain.startsWith(servicePortEndpointChainPrefix) ||
    chain.startsWith(serviceFirewallChainPrefix) ||
    chain.startsWith(serviceExternalChainPrefix)
  );
}
