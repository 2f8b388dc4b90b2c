import { copyBytes } from '../bytes';
import { u24At } from './byte-reader';

/** Cap on certificates kept from one Certificate message. */
export const MAX_CERTIFICATES = 16;

/**
 * TLS <= 1.2 Certificate body (`length` bytes of `b` from `offset`, read in place): the DER
 * certificates in chain order, each a copy (summarized when the connection ends, long after
 * its packet). Null when malformed.
 */
export function parseCertificateList(b: Uint8Array, offset = 0, length = b.length - offset): Uint8Array[] | null {
  const end = offset + length;
  if (length < 3) return null;
  const listEnd = offset + 3 + u24At(b, offset);
  if (listEnd > end) return null;
  // Walked twice: checked (a certificate that overruns the list makes it malformed), then copied.
  let n = 0;
  for (let p = offset + 3; listEnd - p >= 3 && n < MAX_CERTIFICATES; n++) {
    p += 3 + u24At(b, p);
    if (p > listEnd) return null;
  }
  const out: Uint8Array[] = new Array(n);
  for (let i = 0, p = offset + 3; i < n; i++) {
    const certEnd = p + 3 + u24At(b, p);
    out[i] = copyBytes(b, p + 3, certEnd);
    p = certEnd;
  }
  return out;
}

/**
 * ServerKeyExchange of an (EC)DHE suite (`length` bytes of `b` from `offset`): the named group
 * (curve_type 3), else null (explicit curves). ECDHE_PSK puts a psk_identity_hint before the
 * ECParameters (RFC 5489 2).
 */
export function serverKeyExchangeGroup(b: Uint8Array, pskHint = false, offset = 0, length = b.length - offset): number | null {
  const o = offset + (pskHint ? (length >= 2 ? 2 + ((b[offset] << 8) | b[offset + 1]) : length) : 0);
  if (offset + length < o + 3 || b[o] !== 3) return null;
  return (b[o + 1] << 8) | b[o + 2];
}
