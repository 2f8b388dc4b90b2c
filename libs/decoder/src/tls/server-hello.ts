import { copyBytes } from '../bytes';
import { u16At } from './byte-reader';
import { countExtensions, extensionBlockEnd, interpretServerExtensions, readExtensions } from './extensions';
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

/**
 * ServerHello body (after the handshake header): `length` bytes of `b` from `offset`, read in
 * place. Null when malformed. Like a ClientHello, a well-formed one copies what it keeps
 * (it outlives its packet): `random`, `sessionId` and its extension block, whose bodies are
 * views made when read.
 */
export function parseServerHello(b: Uint8Array, offset = 0, length = b.length - offset): ServerHello | null {
  const version = length >= 2 ? u16At(b, offset) : 0;
  if (version !== 0x0304) return parse(b, offset, offset + length, draftLayout(version), false);
  // 0x0304 is ambiguous: the draft layout must then account for every byte, else the final one.
  return parse(b, offset, offset + length, true, true) ?? parse(b, offset, offset + length, false, false);
}

function parse(b: Uint8Array, offset: number, end: number, draft: boolean, exact: boolean): ServerHello | null {
  // version (2), random (32), [session_id (u8 length)], cipher_suite (2), [compression_method (1)]
  let o = offset + 34;
  if (end - o < (draft ? 2 : 1)) return null;
  const sidEnd = draft ? o : o + 1 + b[o];
  o = sidEnd + (draft ? 2 : 3);
  if (o > end) return null;
  const count = countExtensions(b, o, end);
  if (count < 0) return null;
  const blockEnd = extensionBlockEnd(b, o, end);
  if (exact && blockEnd !== end) return null;
  const extensions = readExtensions(b, o, blockEnd, count);
  const sh: ServerHello = {
    version: u16At(b, offset),
    random: copyBytes(b, offset + 2, offset + 34),
    sessionId: copyBytes(b, draft ? sidEnd : offset + 35, sidEnd),
    cipherSuite: u16At(b, sidEnd),
    compressionMethod: draft ? 0 : b[sidEnd + 2],
    extensions,
    // The optional fields, undefined until an extension sets them (one object shape for all).
    selectedVersion: undefined, keyShareGroup: undefined, alpn: undefined,
    pskSelected: false, helloRetryRequest: isHrrRandom(b, offset + 2), sslv2: false,
  };
  interpretServerExtensions(sh, extensions);
  return sh;
}

function isHrrRandom(b: Uint8Array, o: number): boolean {
  for (let i = 0; i < 32; i++) if (b[o + i] !== HRR_RANDOM[i]) return false;
  return true;
}
