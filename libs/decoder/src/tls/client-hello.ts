import { copyBytes } from '../bytes';
import { byteListAt, ByteReader, u16At } from './byte-reader';
import { countExtensions, extensionBlockEnd, interpretClientExtensions, readExtensions } from './extensions';
import type { ClientHello } from './hello-types';

/** Caps that keep a hostile hello small. */
const MAX_CIPHER_SUITES = 1024;

/**
 * ClientHello body (after the 4-byte handshake header): `length` bytes of `b` from `offset`,
 * read in place. Null when malformed.
 *
 * Copies only what it keeps, once it is known to be well formed: a hello outlives the
 * packet it came in (it is printed when its connection ends). `random` and `sessionId`
 * are copies (32 bytes at most: typed arrays that small live on the JS heap, where they
 * cost a fraction of one with its own memory), and so is the extension block, whose
 * bodies are views into it made when read. The lists are arrays of their exact size,
 * filled in place.
 */
export function parseClientHello(b: Uint8Array, offset = 0, length = b.length - offset): ClientHello | null {
  const end = offset + length;
  // version (2), random (32), session_id (u8 length)
  if (length < 35) return null;
  const sidStart = offset + 35;
  const sidEnd = sidStart + b[offset + 34];
  if (end - sidEnd < 2) return null;
  const suitesStart = sidEnd + 2;
  const suitesEnd = suitesStart + u16At(b, sidEnd);
  if (suitesEnd > end || ((suitesEnd - suitesStart) & 1) !== 0) return null;
  if (end - suitesEnd < 1) return null;
  const methodsStart = suitesEnd + 1;
  const methodsEnd = methodsStart + b[suitesEnd];
  if (methodsEnd > end) return null;
  const count = countExtensions(b, methodsEnd, end);
  if (count < 0) return null;
  const extensions = readExtensions(b, methodsEnd, extensionBlockEnd(b, methodsEnd, end), count);
  const ch: ClientHello = {
    version: u16At(b, offset),
    random: copyBytes(b, offset + 2, offset + 34),
    sessionId: copyBytes(b, sidStart, sidEnd),
    cipherSuites: cipherSuiteList(b, suitesStart, suitesEnd),
    compressionMethods: byteListAt(b, methodsStart, methodsEnd),
    extensions,
    // Every optional field, undefined until an extension sets it: all hellos share one
    // object shape, whatever their extensions' order.
    serverName: undefined, alpn: undefined, supportedVersions: undefined, supportedGroups: undefined,
    ecPointFormats: undefined, signatureAlgorithms: undefined, keyShareGroups: undefined,
    pskOffered: false, earlyData: false, sessionTicketPresented: false, ech: false, sslv2: false,
  };
  interpretClientExtensions(ch, extensions);
  return ch;
}

/** The cipher suites (at most MAX_CIPHER_SUITES), in wire order. */
function cipherSuiteList(b: Uint8Array, start: number, end: number): number[] {
  const n = Math.min((end - start) >> 1, MAX_CIPHER_SUITES);
  const out: number[] = new Array(n);
  for (let i = 0, o = start; i < n; i++, o += 2) out[i] = (b[o] << 8) | b[o + 1];
  return out;
}

/**
 * An SSLv2-compatible ClientHello (RFC 5246 appendix E.2): 2-byte record header with
 * the high bit set, then msg type 1, version, and 3-byte cipher specs. Only specs with
 * a zero first byte map to TLS cipher suites. Rare: read with a ByteReader.
 */
export function parseSslv2ClientHello(record: Uint8Array): ClientHello | null {
  const r = new ByteReader(record);
  if (r.u8() !== 1) return null;
  const version = r.u16();
  const specsLen = r.u16();
  const sidLen = r.u16();
  const challengeLen = r.u16();
  const specs = r.sub(specsLen);
  const sid = r.view(sidLen);
  const challenge = r.view(challengeLen);
  if (r.bad || specsLen % 3 !== 0) return null;
  const cipherSuites: number[] = [];
  while (specs.left >= 3) {
    const hi = specs.u8();
    const v = specs.u16();
    if (hi === 0) cipherSuites.push(v);
  }
  const random = new Uint8Array(32);
  random.set(challenge.subarray(Math.max(0, challenge.length - 32)), 32 - Math.min(32, challenge.length));
  return {
    version, random, sessionId: copyBytes(sid, 0, sid.length), cipherSuites, compressionMethods: [0], extensions: [],
    serverName: undefined, alpn: undefined, supportedVersions: undefined, supportedGroups: undefined,
    ecPointFormats: undefined, signatureAlgorithms: undefined, keyShareGroups: undefined,
    pskOffered: false, earlyData: false, sessionTicketPresented: false, ech: false, sslv2: true,
  };
}
