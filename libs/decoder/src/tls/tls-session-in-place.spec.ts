import { TlsSession } from './tls-session';
import * as W from '../testing/tls-streams';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('TlsSession: plaintext read in place', () => {
  it('stops at once when the first bytes, however few at a time, read as HTTP/1', () => {
    const t = new TlsSession(false);
    const request = ascii('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n');
    // Under 7 bytes nothing is decided; the 7th shows plaintext, and 'GET ' is HTTP.
    for (let i = 0; i < 6; i++) t.data(0, request.subarray(i, i + 1), 0, i);
    expect(t.done).toBe(false);
    t.data(0, request.subarray(6, 7), 0, 6);
    expect(t.done).toBe(true);
  });

  it('keeps scanning a non-HTTP prefix built from small deliveries, and names it when TLS follows (STARTTLS)', () => {
    const t = new TlsSession(false);
    const banner = ascii('220 mail.example.com ESMTP ready\r\n');
    for (let i = 0; i < banner.length; i += 3) t.data(1, banner.subarray(i, i + 3), 0, i);
    const ehlo = ascii('EHLO client\r\nSTARTTLS\r\n');
    for (let i = 0; i < ehlo.length; i += 5) t.data(0, ehlo.subarray(i, i + 5), 0, i);
    expect(t.done).toBe(false);
    t.data(0, W.hexBytes(W.HRR_STREAM[0][1]), 0, 100); // zeek/hrr.pcap's ClientHello
    expect(t.upgradedFrom).toBe('smtp');
    expect(t.clientHello?.cipherSuites.length).toBeGreaterThan(0);
  });

  it('reads an alert record that follows other records in the same delivery', () => {
    const t = new TlsSession(true);
    const ch = W.hexBytes(W.HRR_STREAM[0][1]);
    const both = new Uint8Array(ch.length + 7);
    both.set(ch);
    both.set([21, 3, 3, 0, 2, 2, 40], ch.length); // fatal handshake_failure
    t.data(0, both, 0, 0);
    expect(t.alerts).toEqual([{ level: 2, description: 40, sender: 'client' }]);
    expect(t.messages?.at(-1)).toMatchObject({ kind: 'alert', alert: { level: 2, description: 40 } });
    expect(t.done).toBe(true);
  });
});
