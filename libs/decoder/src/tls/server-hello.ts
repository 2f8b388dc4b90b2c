import { ByteReader } from './byte-reader';
import { interpretServerExtensions, readExtensions } from './extensions';
import type { ServerHello } from './hello-types';

/** SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * TLS 1.3 drafts before 22 dropped session_id and compression_method from the ServerHello
 * (draft-ietf-tls-tls13-21 4.1.3; draft 22 put them back for middlebox compatibility).
 * Their ServerHello carries the draft version (0x7f00 + n); some draft-era servers sent
 * 0x0304 there, which no final TLS 1.3 server does (legacy_version is 0x0303).
 */
function draftLayout(version: number): boolean {
  return (version & 0xff00) === 0x7f00 && (version & 0xff) < 22;
}

/** ServerHello body (after the handshake header). Null when malformed. */
export function parseServerHello(body: Uint8Array): ServerHello | null {
  const version = body.length >= 2 ? (body[0] << 8) | body[1] : 0;
  if (version !== 0x0304) return parse(body, draftLayout(version), false);
  // 0x0304 is ambiguous: the draft layout must then account for every byte, else the final one.
  return parse(body, true, true) ?? parse(body, false, false);
}

function parse(body: Uint8Array, draft: boolean, exact: boolean): ServerHello | null {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.view(32).slice();
  const sessionId = draft ? new Uint8Array(0) : r.view(r.u8()).slice();
  const cipherSuite = r.u16();
  const compressionMethod = draft ? 0 : r.u8();
  if (r.bad) return null;
  const extensions = readExtensions(r);
  if (extensions === null || (exact && r.left !== 0)) return null;
  const sh: ServerHello = {
    version, random, sessionId, cipherSuite, compressionMethod, extensions,
    pskSelected: false, helloRetryRequest: random.every((b, i) => b === HRR_RANDOM[i]), sslv2: false,
  };
  interpretServerExtensions(sh);
  return sh;
}
