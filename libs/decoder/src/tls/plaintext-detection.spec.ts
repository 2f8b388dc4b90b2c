import fc from 'fast-check';
import type { TlsSide } from './handshake-state';
import { grownPrefix, opensHttp, opensTls, plaintextProtocol, startsTlsUpgrade } from './plaintext-detection';
import { TlsSession } from './tls-session';

const ascii = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** What a session makes of one first delivery: stopped at once, no TLS, nothing noted. */
function sessionStopsAtOnce(b: Uint8Array, side: TlsSide): boolean {
  const t = new TlsSession(true);
  t.data(side, b, 0, 0);
  return t.done && !t.isTls && t.messages !== null && t.messages.length === 0;
}

describe('opensHttp (feedTls makes no session for a stream that opens HTTP/1)', () => {
  it.each([
    ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', true],
    ['HTTP/1.1 200 OK\r\n', true],
    ['OPTIONS * HTTP/1.1\r\n', true],
    ['PATCH /x HTTP/1.1', true],
    ['DELETE /x HTTP/1.1', true],
    ['CONNECT a:443 HTTP/1.1\r\n', false], // a proxy tunnel carries TLS next
    ['GET /', false], // too few bytes to decide: the session waits for more
    ['GETX / HTTP/1.1', false],
    ['get / HTTP/1.1', false],
    ['HTTP/2 200', false],
    ['\x16\x03\x01\x00\x2a\x01\x00\x00', false], // a TLS record
  ])('%j -> %s, as a session decides it', (text, expected) => {
    const b = ascii(text);
    for (const side of [0, 1] as const) {
      expect(opensHttp(b, 0, b.length, side)).toBe(expected);
      if (expected) expect(sessionStopsAtOnce(b, side)).toBe(true);
    }
  });

  it('reads only its n bytes at the offset (the rest of a read chunk is not the stream)', () => {
    const chunk = ascii('xxxxGET / HTTP/1.1\r\n');
    expect(opensHttp(chunk, 4, 14, 0)).toBe(true);
    expect(opensHttp(chunk, 4, 6, 0)).toBe(false);
    expect(opensHttp(ascii('xxHTTP/1.0 200'), 2, 6, 1)).toBe(false);
  });

  it('is true only where a session fed the same bytes stops at once, with no TLS (any bytes, either side)', () => {
    const words = fc.constantFrom('GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'TRACE ', 'HTTP/1.', 'CONNECT ', '\x16\x03\x01', '\x80\x2e\x01\x03');
    const firstBytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.tuple(words, fc.uint8Array({ maxLength: 30 })).map(([w, tail]) => Uint8Array.from([...ascii(w), ...tail])),
    );
    fc.assert(
      fc.property(firstBytes, fc.constantFrom<TlsSide>(0, 1), (b, side) => {
        if (opensHttp(b, 0, b.length, side)) expect(sessionStopsAtOnce(b, side)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('STARTTLS: the upgrade and the protocol before it', () => {
  it.each([
    ['CONNECT ts01-b.cloudsink.net:443 HTTP/1.0', 'http-connect'], // ja4/https-connect.pcap
    ['220 mail.example.com ESMTP', 'smtp'],
    ['EHLO client\r\n', 'smtp'],
    ['* OK IMAP4rev1 ready', 'imap'],
    ['a1 STARTTLS\r\n', 'imap'],
    ['+OK POP3 ready', 'pop3'],
    ['STLS\r\n', 'pop3'],
    ["<?xml version='1.0'?>", 'xmpp'],
    ['\x00\x00\x00\x08\x04\xd2\x16\x2fS', 'binary'], // PostgreSQL's SSLRequest, then its 'S'
    ['SSH-2.0-OpenSSH', 'unknown'],
  ])('%j -> %s', (prefix, protocol) => {
    expect(plaintextProtocol(prefix)).toBe(protocol);
  });

  it('takes TLS for an upgrade only at the start of a delivery after some plaintext, and only a handshake record', () => {
    const hello = Uint8Array.of(22, 3, 1, 0, 0x2a, 1, 0, 0);
    expect(startsTlsUpgrade(hello, 10)).toBe(true);
    expect(startsTlsUpgrade(hello, 0)).toBe(false);
    expect(startsTlsUpgrade(Uint8Array.of(23, 3, 3, 0, 10), 10)).toBe(false);
    expect(opensTls(hello, 0, 0)).toBe(true);
    expect(opensTls(Uint8Array.of(0x80, 0x2e, 0x01, 0x03, 0x01), 0, 0)).toBe(true); // SSLv2-framed CLIENT-HELLO
    expect(opensTls(Uint8Array.of(0x80, 0x2e, 0x01, 0x03, 0x01), 0, 1)).toBe(false);
  });

  it('grows the prefix only while it is short of 16 characters, by at most 16 of a delivery', () => {
    const p = grownPrefix('', ascii('220 mail.example.com ESMTP'));
    expect(p).toBe('220 mail.example');
    expect(grownPrefix(p, ascii('more'))).toBe(p);
    expect(grownPrefix('S', ascii('abc'))).toBe('Sabc');
    expect(grownPrefix('S', new Uint8Array(0))).toBe('S');
  });
});
