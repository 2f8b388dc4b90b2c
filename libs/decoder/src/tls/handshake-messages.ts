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

/** ServerKeyExchange: the named group of an ECDHE exchange (curve_type 3), else null. */
export function serverKeyExchangeGroup(body: Uint8Array): number | null {
  if (body.length < 3 || body[0] !== 3) return null;
  return (body[1] << 8) | body[2];
}
