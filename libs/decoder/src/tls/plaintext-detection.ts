import { latin1At } from './byte-reader';
import type { TlsSide } from './handshake-state';
import { looksLikeSslv2Hello, looksLikeSslv2ServerHello, looksLikeTlsRecord } from './record-stream';
import { ContentType } from './tables/handshake-types';

/** Plaintext bytes scanned per direction for a STARTTLS upgrade before giving up. */
export const STARTTLS_SCAN_BYTES = 16 * 1024;
/** Characters of a connection's first plaintext kept (a few more when a delivery ends past them). */
export const PLAINTEXT_PREFIX_CHARS = 16;
/** First bytes needed to tell TLS (a 5-byte record header) or SSLv2 framing (an SSLv2 hello's 7) from plaintext. */
export const TELLING_BYTES = 7;

// No CONNECT: a proxy tunnel carries TLS after the proxy's "200" (ja4/https-connect.pcap).
/** How HTTP/1 streams open: a request method and a space, or a response's version (at most 8 characters). */
const HTTP_STARTS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'TRACE ', 'HTTP/1.'];
const HTTP_START_BYTES = HTTP_STARTS.map((w) => Uint8Array.from(w, (ch) => ch.charCodeAt(0)));

/** A connection's plaintext prefix opens HTTP/1 (which never upgrades to TLS in-band). */
export const opensHttpText = (text: string): boolean => HTTP_STARTS.some((w) => text.startsWith(w));

/**
 * A side's first bytes, from `o` of `b`, open TLS: a TLS record header, or SSLv2 framing
 * (a client's SSLv2-compatible CLIENT-HELLO, a server's SSLv2 SERVER-HELLO).
 */
export function opensTls(b: Uint8Array, o: number, side: TlsSide): boolean {
  return looksLikeTlsRecord(b, o) || (side === 0 ? looksLikeSslv2Hello(b, o) : looksLikeSslv2ServerHello(b, o));
}

/**
 * One side's first stream bytes (`n` of them at `o`) open HTTP/1: a session fed them would
 * find plaintext, see HTTP_STARTS and stop reading both sides at once, with nothing noted
 * and no TLS. feedTls then makes no session and no reassembly at all (most plain
 * connections are HTTP). The same tests the session makes on a first delivery.
 */
export function opensHttp(b: Uint8Array, o: number, n: number, side: TlsSide): boolean {
  if (n < TELLING_BYTES || opensTls(b, o, side)) return false;
  for (const word of HTTP_START_BYTES) {
    if (word.length > n) continue;
    let i = 0;
    while (i < word.length && b[o + i] === word[i]) i++;
    if (i === word.length) return true;
  }
  return false;
}

/**
 * STARTTLS and friends: after some plaintext (`scanned` bytes of it), TLS begins at the
 * start of a later delivery with a handshake record.
 */
export function startsTlsUpgrade(bytes: Uint8Array, scanned: number): boolean {
  return scanned > 0 && looksLikeTlsRecord(bytes) && bytes[0] === ContentType.HANDSHAKE;
}

/**
 * `prefix` grown by the first bytes of a plaintext delivery while it is short of
 * PLAINTEXT_PREFIX_CHARS (it only grows: tested when it does, as a test that failed on it
 * fails again); `prefix` itself otherwise.
 */
export function grownPrefix(prefix: string, bytes: Uint8Array): string {
  if (prefix.length >= PLAINTEXT_PREFIX_CHARS || bytes.length === 0) return prefix;
  return prefix + latin1At(bytes, 0, Math.min(PLAINTEXT_PREFIX_CHARS, bytes.length));
}

/** The plaintext protocol before a STARTTLS-style upgrade, guessed from the connection's first characters. */
export function plaintextProtocol(prefix: string): string {
  if (/^CONNECT /.test(prefix)) return 'http-connect'; // a proxy tunnel
  if (/^220[ -]|^EHLO|^HELO/i.test(prefix)) return 'smtp';
  if (/^\* OK|^\w+ STARTTLS/i.test(prefix)) return 'imap';
  if (/^\+OK|^STLS/i.test(prefix)) return 'pop3';
  if (/^<\?xml|^<stream/i.test(prefix)) return 'xmpp';
  if (prefix.charCodeAt(0) === 0 && prefix.length >= 8) return 'binary';
  return 'unknown';
}
