import { analyze, fixture } from '../testing/fixtures';

// test/fixtures/captures/tls-basic.pcap: openssl s_server (RSA, CN=shakewatch.test);
// s_client -tls1_2, s_client -tls1_3, curl --tls-max 1.2 with ALPN http/1.1 (MANIFEST.md).
describe('TlsSession on recorded handshakes', () => {
  const basic = analyze(fixture('tls-basic.pcap')).connections.map((c) => c.tls!);

  it('negotiates the versions the clients asked for', () => {
    expect(basic.map((t) => t.version)).toEqual([0x0303, 0x0304, 0x0303]);
    expect(basic.every((t) => t.established)).toBe(true);
    expect(basic.map((t) => t.clientHello?.serverName)).toEqual(['shakewatch.test', 'shakewatch.test', 'shakewatch.test']);
    expect(basic[2].serverHello?.alpn).toBe('http/1.1');
    expect(basic[0].serverHello?.alpn).toBeUndefined();
  });

  it('sees the TLS 1.2 certificate and ECDHE group, and times the handshake', () => {
    expect(basic[0].certificates?.length).toBeGreaterThan(0);
    expect(basic[0].keyExchangeGroup).toBe(29); // x25519
    expect(basic[1].certificates).toBeNull(); // TLS 1.3: encrypted
    expect(basic[1].serverHello?.keyShareGroup).toBe(29);
    for (const t of basic) {
      const ns = (t.endSec - t.startSec) * 1e9 + (t.endNsec - t.startNsec);
      expect(ns).toBeGreaterThan(0);
      expect(ns).toBeLessThan(1e9);
      expect(t.resumed).toBe(false);
    }
  });

  it('records fatal alerts with their sender', () => {
    const alerts = analyze(fixture('tls-alert.pcap')).connections.map((c) => c.tls!);
    for (const t of alerts) {
      expect(t.established).toBe(false);
      expect(t.alerts[0]).toEqual({ level: 2, description: 48, sender: 'client' }); // unknown_ca
    }
  });

  it('leaves plain TCP alone and stops buffering', () => {
    const [c] = analyze(fixture('tcp-normal-close.pcap')).connections;
    expect(c.tls).toBeNull(); // no TLS found: the session is let go with the reassemblers
    expect(c.reassembly).toBeNull();
  });
});
