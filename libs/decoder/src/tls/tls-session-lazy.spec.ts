import { BASIC_TLS12_CH } from '../testing/tls-hellos';
import { hexBytes } from '../testing/tls-streams';
import { TlsSession } from './tls-session';

// What a session makes only when needed: a side's Direction at its first bytes, its
// handshake assembler at its first handshake record, the alert list at the first alert.
const message = hexBytes(BASIC_TLS12_CH);
const HELLO_RECORD = Uint8Array.from([0x16, 3, 1, message.length >> 8, message.length & 0xff, ...message]);

describe('TlsSession parts made when needed', () => {
  it('a side that sends nothing has no Direction; a TLS side no assembler before a handshake record', () => {
    const t = new TlsSession(false);
    t.data(0, Uint8Array.from([0x17, 3, 3, 0x48, 0x00, 1, 2, 3]), 1, 0); // application data claiming 18 kB
    expect(t['dir1']).toBeNull();
    expect(t['dir0']?.records).not.toBeNull();
    expect(t['dir0']?.handshakes).toBeNull();
    expect(t.alerts).toEqual([]);
  });

  it('reads a ClientHello through the assembler made for it, and alerts into a list of their own', () => {
    const t = new TlsSession(false);
    const other = new TlsSession(false);
    t.data(0, HELLO_RECORD, 1, 0);
    expect(t.clientHello?.serverName).toBe('shakewatch.test');
    expect(t['dir0']?.handshakes).not.toBeNull();
    t.data(1, Uint8Array.from([0x15, 3, 3, 0, 2, 2, 40]), 2, 0);
    expect(t.alerts).toEqual([{ level: 2, description: 40, sender: 'server' }]);
    expect(other.alerts).toEqual([]);
    expect(t.done).toBe(true);
  });

  it('ends with neither side read once both are off, Directions made or not', () => {
    const t = new TlsSession(false);
    t.gap(0);
    expect(t.done).toBe(false);
    t.gap(1);
    expect(t.done).toBe(true);
    expect(t['dir0']).toBeNull();
  });
});
