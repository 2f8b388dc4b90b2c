import { tlsEvent } from '../event/tls-event';
import { HandshakeType } from './tables/handshake-types';
import { MAX_HANDSHAKE_MESSAGE, TlsSession } from './tls-session';
import * as W from '../testing/tls-streams';

/** Feeds recorded chunks to a fresh session, one segment at a time, 1 ms apart. */
function replay(chunks: W.Chunk[]): TlsSession {
  const t = new TlsSession(true);
  chunks.forEach(([dir, hex], i) => t.data(dir === 'c' ? 0 : 1, W.hexBytes(hex), 1_700_000_000, i * 1_000_000));
  return t;
}

const record = (type: number, body: Uint8Array): Uint8Array => {
  const r = new Uint8Array(5 + body.length);
  r.set([type, 3, 3, body.length >> 8, body.length & 0xff]);
  r.set(body, 5);
  return r;
};

describe('TlsSession on corpus byte streams', () => {
  it('HelloRetryRequest: the CCS around it is TLS 1.3 compatibility, the second ServerHello negotiates (zeek/hrr.pcap)', () => {
    const t = replay(W.HRR_STREAM);
    expect(t.helloRetryRequest).toBe(true);
    expect(t.helloRetry?.keyShareGroup).toBe(23); // the HRR asks for secp256r1
    expect(t.clientHellos).toBe(2);
    expect(t.version).toBe(0x0304);
    expect(t.serverHello?.cipherSuite).toBe(0x1302);
    expect(t.established).toBe(true);
    const ev = tlsEvent(t);
    expect(ev).toMatchObject({ version: '1.3', cipher: 'TLS_AES_256_GCM_SHA384', curve: 'secp256r1', established: true, hello_retry_request: true });
    // JA3S of the first ServerHello on the wire (the HRR), as tshark prints for frame 5.
    expect(ev?.server?.ja3s).toBe('15af977ce25de452b96affa2addb1036');
  });

  it('stops at once on a capture that starts after the handshake (application data first: zeek/hrr.pcap, its last segments)', () => {
    const t = replay(W.HRR_STREAM.slice(5));
    expect(t.done).toBe(true);
    expect(t.isTls).toBe(false);
    expect(t.messages).toEqual([]);
  });

  it('HTTP CONNECT is not plain HTTP: TLS follows the proxy\'s 200 (ja4/https-connect.pcap)', () => {
    const t = replay(W.CONNECT_STREAM);
    expect(t.upgradedFrom).toBe('http-connect'); // 'CONNECT ts01-b.cloudsink.net:443 HTTP/1.0'
    expect(t.clientHello?.serverName).toBeUndefined();
    expect(t.version).toBe(0x0303);
    expect(t.serverHello?.cipherSuite).toBe(0xc030); // tshark: frame 10
  });

  it('a pure SSLv2 handshake: SERVER-HELLO, the cipher of the CLIENT-MASTER-KEY, encrypted records (zeek/ssl-v2.pcap)', () => {
    const t = replay(W.SSLV2_STREAM);
    expect(t.malformed).toBe(0);
    expect(t.clientHello?.sslv2).toBe(true);
    expect(t.serverHello?.sslv2).toBe(true);
    expect(t.version).toBe(0x0002);
    expect(t.established).toBe(true);
    expect(tlsEvent(t)).toMatchObject({ version: '2.0', version_protocol: 'ssl', cipher: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5', resumed: false });
    expect(tlsEvent(t)?.server?.ja3s).toBeUndefined();
  });

  it('waits for enough first bytes to tell TLS or SSLv2 from plaintext (first deliveries of 3 and 5 bytes)', () => {
    const split = (chunks: W.Chunk[], n: number): W.Chunk[] =>
      chunks.flatMap(([d, h], i): W.Chunk[] => (i < 2 ? [[d, h.replace(/\s+/g, '').slice(0, 2 * n)], [d, h.replace(/\s+/g, '').slice(2 * n)]] : [[d, h]]));
    for (const n of [3, 5]) {
      const v2 = replay(split(W.SSLV2_STREAM, n));
      expect([v2.malformed, v2.version, v2.established]).toEqual([0, 0x0002, true]);
      const hrr = replay(split(W.HRR_STREAM, n));
      expect([hrr.malformed, hrr.version, hrr.established]).toEqual([0, 0x0304, true]);
    }
  });

  it("keeps a short plaintext first delivery apart from the TLS after it (PostgreSQL's one-byte 'S')", () => {
    const t = replay(W.PSQL_START);
    expect(t.upgradedFrom).toBe('binary');
    expect(t.serverHello?.cipherSuite).toBe(0xc030);
    expect(t.clientHello?.serverName).toBe('database-1.cyx4x7yvdoay.us-east-1.rds.amazonaws.com');
  });
});

describe('TlsSession: the server\'s key exchange, past an oversized message', () => {
  it('reads a ServerKeyExchange curve only for ECDHE suites (mercury/faketls_potatovpn.pcap, suite 0x8c62)', () => {
    const t = new TlsSession(false);
    t.data(1, W.hexBytes(W.FAKE_SUITE_SKE), 0, 0);
    expect(t.serverHello?.cipherSuite).toBe(0x8c62);
    expect(t.serverHelloDone).toBe(true);
    expect(t.keyExchangeGroup).toBeNull(); // tshark: no server_named_curve either
  });

  it('skips a Certificate larger than the cap and still reads the ServerKeyExchange after it (zeek/tls-fragmented-handshake.pcap)', () => {
    const t = new TlsSession(true);
    t.data(0, W.hexBytes(W.FRAGMENTED_CH), 0, 0);
    t.data(1, W.hexBytes(W.FRAGMENTED_SH), 0, 1);
    const start = W.hexBytes(W.FRAGMENTED_CERT_START).subarray(5); // the record's first 4 bytes: 0b 05 2e ad
    const certLength = (start[1] << 16) | (start[2] << 8) | start[3];
    expect(certLength).toBeGreaterThan(MAX_HANDSHAKE_MESSAGE);
    W.FRAGMENTED_CERT_RECORDS.forEach((n, i) => {
      const body = new Uint8Array(n); // the chain's bytes do not matter, its framing does
      if (i === 0) body.set(start);
      t.data(1, record(22, body), 0, 2 + i);
    });
    t.data(1, W.hexBytes(W.FRAGMENTED_SKE_SHD), 0, 30);
    expect(t.malformed).toBe(0);
    expect(t.certificates).toBeNull();
    expect(t.keyExchangeGroup).toBe(23);
    expect(t.serverHelloDone).toBe(true);
    expect(t.resumed).toBe(false);
    expect(t.messages?.filter((m) => m.side === 1).map((m) => m.handshakeType)).toEqual([
      HandshakeType.SERVER_HELLO, HandshakeType.CERTIFICATE, HandshakeType.SERVER_KEY_EXCHANGE, HandshakeType.SERVER_HELLO_DONE,
    ]);
  });
});
