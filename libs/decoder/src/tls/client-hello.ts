import { ByteReader } from './byte-reader';
import { interpretClientExtensions, readExtensions } from './extensions';
import type { ClientHello } from './hello-types';

/** Caps that keep a hostile hello small. */
const MAX_CIPHER_SUITES = 1024;

/** ClientHello body (after the 4-byte handshake header). Null when malformed. */
export function parseClientHello(body: Uint8Array): ClientHello | null {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.view(32).slice();
  const sessionId = r.view(r.u8()).slice();
  const suites = r.sub(r.u16());
  const cipherSuites = r.u16List(suites).slice(0, MAX_CIPHER_SUITES);
  const compressionMethods = Array.from(r.view(r.u8()));
  if (r.bad || suites.bad) return null;
  const extensions = readExtensions(r);
  if (extensions === null) return null;
  const ch: ClientHello = {
    version, random, sessionId, cipherSuites, compressionMethods, extensions,
    pskOffered: false, earlyData: false, sessionTicketPresented: false, ech: false, sslv2: false,
  };
  interpretClientExtensions(ch);
  return ch;
}

/**
 * An SSLv2-compatible ClientHello (RFC 5246 appendix E.2): 2-byte record header with
 * the high bit set, then msg type 1, version, and 3-byte cipher specs. Only specs with
 * a zero first byte map to TLS cipher suites.
 */
export function parseSslv2ClientHello(record: Uint8Array): ClientHello | null {
  const r = new ByteReader(record);
  if (r.u8() !== 1) return null;
  const version = r.u16();
  const specsLen = r.u16();
  const sidLen = r.u16();
  const challengeLen = r.u16();
  const specs = r.sub(specsLen);
  const sessionId = r.view(sidLen).slice();
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
    version, random, sessionId, cipherSuites, compressionMethods: [0], extensions: [],
    pskOffered: false, earlyData: false, sessionTicketPresented: false, ech: false, sslv2: true,
  };
}
