import fc from 'fast-check';
import { opensHttp, TlsSession, type TlsSide } from './tls-session';

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
