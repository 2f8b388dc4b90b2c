import { join } from 'node:path';
import { agent, FIXTURES, ndjson } from '../support/agent-cli';

// test/fixtures/captures/tls-basic.pcap and tls-alert.pcap: openssl s_server with a
// self-signed RSA certificate (CN=shakewatch.test); clients openssl s_client and curl.
describe('inspect: TLS handshakes', () => {
  it('fills the tls.* fields of each connection', () => {
    const events = ndjson(agent(['inspect', join(FIXTURES, 'tls-basic.pcap'), '-f', 'ndjson']).stdout);
    expect(events.map((e) => [e.tls.version, e.tls.version_protocol, e.tls.established])).toEqual([
      ['1.2', 'tls', true],
      ['1.3', 'tls', true],
      ['1.2', 'tls', true],
    ]);
    expect(events.map((e) => e.tls.client.server_name)).toEqual(['shakewatch.test', 'shakewatch.test', 'shakewatch.test']);
    expect(events[1].tls.cipher).toMatch(/^TLS_AES_(128_GCM_SHA256|256_GCM_SHA384)|TLS_CHACHA20_POLY1305_SHA256$/);
    expect(events[0].tls.cipher).toMatch(/^TLS_ECDHE_RSA_WITH_/);
    expect(events[2].tls.next_protocol).toBe('http/1.1');
    expect(events[0].tls.server.x509).toMatchObject({ subject: 'CN=shakewatch.test', issuer: 'CN=shakewatch.test', public_key_algorithm: 'rsa', public_key_size: 2048 });
    expect(events[0].tls.server.x509.alternative_names).toEqual(['shakewatch.test']);
    expect(events[1].tls.server.x509).toBeUndefined(); // TLS 1.3 certificates travel encrypted
    for (const e of events) {
      expect(e.tls.client.ja3).toMatch(/^[0-9a-f]{32}$/);
      expect(e.tls.server.ja3s).toMatch(/^[0-9a-f]{32}$/);
      expect(e.tls.client.ja4).toMatch(/^t1[23]d\d{4}(00|h1)_[0-9a-f]{12}_[0-9a-f]{12}$/);
    }
    for (const e of events) expect(e.tls.handshake.duration_seconds).toBeGreaterThan(0);
  });

  it('reports the fatal alert and its sender', () => {
    const events = ndjson(agent(['inspect', join(FIXTURES, 'tls-alert.pcap'), '-f', 'ndjson']).stdout);
    for (const e of events) {
      expect(e.tls.established).toBe(false);
      expect(e.tls.alert).toEqual({ level: 'fatal', description: 'unknown_ca', sender: 'client' });
    }
  });

  it('draws each TLS message on the segment that carried it', () => {
    const out = agent(['inspect', join(FIXTURES, 'tls-basic.pcap')]).stdout;
    expect(out).toMatch(/C --> S .* TLS Client Hello/);
    expect(out).toMatch(/C <-- S .* TLS Server Hello; TLS Certificate; TLS Server Key Exchange; TLS Server Hello Done/);
    expect(out).toMatch(/C --> S .* TLS Client Key Exchange; TLS Change Cipher Spec; TLS Encrypted Handshake Message/);
    expect(out).toMatch(/tls: TLS 1\.3, TLS_\w+, group x25519, SNI shakewatch\.test/);
    expect(out).toMatch(/tls: established in 0\.\d{6} s/);
  });
});
