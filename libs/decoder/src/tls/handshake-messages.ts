import { ByteReader } from './byte-reader';

/** Cap on certificates kept from one Certificate message. */
export const MAX_CERTIFICATES = 16;

/** TLS <= 1.2 Certificate body: the DER certificates in chain order (copies). */
export function parseCertificateList(body: Uint8Array): Uint8Array[] | null {
  const r = new ByteReader(body);
  const list = r.sub(r.u24());
  const out: Uint8Array[] = [];
  while (list.left >= 3 && out.length < MAX_CERTIFICATES) out.push(list.view(list.u24()).slice());
  return list.bad || r.bad ? null : out;
}

/**
 * ServerKeyExchange of an (EC)DHE suite: the named group (curve_type 3), else null (explicit
 * curves). ECDHE_PSK puts a psk_identity_hint before the ECParameters (RFC 5489 2).
 */
export function serverKeyExchangeGroup(body: Uint8Array, pskHint = false): number | null {
  const o = pskHint ? (body.length >= 2 ? 2 + ((body[0] << 8) | body[1]) : body.length) : 0;
  if (body.length < o + 3 || body[o] !== 3) return null;
  return (body[o + 1] << 8) | body[o + 2];
}
