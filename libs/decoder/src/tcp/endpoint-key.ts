import type { DecodedPacket } from '../decoded-packet';

/**
 * Symmetric hash of a packet's 4-tuple (same value for both directions), computed from
 * the address bytes in place: no key string is built per packet.
 */
export function tupleHash(p: DecodedPacket): number {
  const len = p.ipVersion === 4 ? 4 : 16;
  const a = endpointHash(p.data, p.srcOffset, len, p.srcPort);
  const b = endpointHash(p.data, p.dstOffset, len, p.dstPort);
  // Order-independent mix of the two endpoint hashes. Signed (| 0, not >>> 0): a 32-bit
  // signed value is a small integer to V8, where half of all unsigned ones (>= 2^31) were a
  // heap number allocated per packet.
  return (Math.imul(a ^ b, 0x9e3779b1) + Math.imul(a + b, 0x85ebca77)) | 0;
}

function endpointHash(b: Uint8Array, o: number, len: number, port: number): number {
  let h = 0x811c9dc5 ^ port;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[o + i], 0x01000193);
  return h >>> 0;
}

export { sameBytes } from '../bytes';
