import { rawFrame } from '../capture/raw-packet';
import { PacketDecoder } from '../packet-decoder';
import { Connection } from '../tcp/connection';
import { ethernetIpv4Tcp, F, V4, type Segment } from '../testing/packet-builder';
import { BASIC_TLS12_CH } from '../testing/tls-hellos';
import { hexBytes } from '../testing/tls-streams';
import { ReassemblyPool } from './reassembly-pool';
import { feedTls, tlsHeldBytes } from './tls-feed';

// The ClientHello of tls-basic.pcap as one record (header 16 03 01, length), cut in three.
const message = hexBytes(BASIC_TLS12_CH);
const RECORD = Uint8Array.from([0x16, 3, 1, message.length >> 8, message.length & 0xff, ...message]);
const CUTS = [0, 60, 130, RECORD.length];
const ISN = 0xfffffff0; // the stream wraps past 2^32 within the record

/** A client segment with the record's bytes [from, to), at their place in the stream. */
function part(i: number, seqShift = 0): Segment & { bytes: Uint8Array } {
  const bytes = RECORD.subarray(CUTS[i], CUTS[i + 1]);
  return { from: 'c', flags: F.ACK | F.PSH, seq: (ISN + 1 + CUTS[i] + seqShift) >>> 0, ack: 1001, payload: bytes.length, t: 1 + i, bytes };
}

/** Feeds the handshake (unless not), then `parts`; after each data segment, whether the connection had a reassembly. */
function feed(parts: (Segment & { bytes?: Uint8Array })[], withHandshake = true): { c: Connection; hadReassembly: boolean[] } {
  const c = new Connection(1, 4, Uint8Array.from(V4.client), V4.clientPort, Uint8Array.from(V4.server), 443, 0);
  const d = new PacketDecoder();
  const hadReassembly: boolean[] = [];
  const pool = new ReassemblyPool(false);
  const handshake: Segment[] = [
    { from: 'c', flags: F.SYN, seq: ISN, t: 0 },
    { from: 's', flags: F.SYN | F.ACK, seq: 1000, ack: ISN + 1, t: 0.1 },
    { from: 'c', flags: F.ACK, seq: (ISN + 1) >>> 0, ack: 1001, t: 0.2 },
  ];
  for (const s of [...(withHandshake ? handshake : []), ...parts]) {
    const frame = s.from === 'c' ? ethernetIpv4Tcp(V4.client, V4.server, V4.clientPort, 443, s) : ethernetIpv4Tcp(V4.server, V4.client, 443, V4.clientPort, s);
    const bytes = (s as { bytes?: Uint8Array }).bytes;
    if (bytes !== undefined) frame.set(bytes, 54);
    const p = d.decode(rawFrame(frame, { frame: 1, tsSec: 1_700_000_000 + Math.floor(s.t), tsNsec: 0 }));
    if (p === null) throw new Error('frame not decoded');
    feedTls(c, s.from === 'c' ? 0 : 1, p, pool);
    if ((s.payload ?? 0) > 0) hadReassembly.push(c.reassembly !== null);
  }
  return { c, hadReassembly };
}

describe('feedTls while the bytes come in order', () => {
  it('hands them to the session with no reassembler made, and reads the ClientHello', () => {
    const { c, hadReassembly } = feed([part(0), part(1), part(2)]);
    expect(hadReassembly).toEqual([false, false, false]);
    expect(c.tls?.clientHello?.serverName).toBe('shakewatch.test');
    expect(c.tls?.gaps).toBe(0);
  });

  it('counts for the budget as the reassembly it stands for (made at the first bytes, until done)', () => {
    const { c } = feed([part(0)]);
    expect(c.reassembly).toBeNull();
    expect(tlsHeldBytes(c)).toBe(1024 + (c.tls?.heldBytes ?? 0));
  });

  it('makes the reassembler at the first segment out of order, going on from where the bytes got to', () => {
    const { c, hadReassembly } = feed([part(0), part(2), part(1)]);
    expect(hadReassembly).toEqual([false, true, true]);
    expect(c.tls?.clientHello?.serverName).toBe('shakewatch.test');
    expect(c.tls?.gaps).toBe(0);
  });

  it('drops a retransmission of bytes delivered without a reassembler (no gap, nothing read twice)', () => {
    const { c, hadReassembly } = feed([part(0), part(0), part(1), part(2)]);
    expect(hadReassembly).toEqual([false, true, true, true]);
    expect(c.tls?.clientHello?.serverName).toBe('shakewatch.test');
    expect(c.tls?.clientHellos).toBe(1);
    expect(c.tls?.malformed).toBe(0);
  });

  it('takes a side with no SYN seen from its first segment', () => {
    const { c, hadReassembly } = feed([part(0, 5), part(1, 5), part(2, 5)], false);
    expect(hadReassembly).toEqual([false, false, false]);
    expect(c.tls?.streamNext(0)).toBe((ISN + 1 + RECORD.length + 5) >>> 0);
    expect(c.tls?.clientHello?.serverName).toBe('shakewatch.test');
  });
});
