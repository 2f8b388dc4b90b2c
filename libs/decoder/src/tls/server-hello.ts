import { ByteReader } from './byte-reader';
import { interpretServerExtensions, readExtensions } from './extensions';
import type { ServerHello } from './hello-types';

/** SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/** ServerHello body (after the handshake header). Null when malformed. */
export function parseServerHello(body: Uint8Array): ServerHello | null {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.view(32).slice();
  const sessionId = r.view(r.u8()).slice();
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  if (r.bad) return null;
  const extensions = readExtensions(r);
  if (extensions === null) return null;
  const sh: ServerHello = {
    version, random, sessionId, cipherSuite, compressionMethod, extensions,
    pskSelected: false, helloRetryRequest: random.every((b, i) => b === HRR_RANDOM[i]),
  };
  interpretServerExtensions(sh);
  return sh;
}
