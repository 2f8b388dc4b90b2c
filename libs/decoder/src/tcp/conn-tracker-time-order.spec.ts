import { PacketDecoder } from '../packet-decoder';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import { ConnTracker } from './conn-tracker';
import { trackFrames, type Frame } from '../testing/track-frames';
import { fixture, readCapture } from '../testing/fixtures';

/** Each ended connection as "client port ended at frame N (reason)". */
const ends = (frames: Frame[]): string[] => trackFrames(frames, (c) => `${c.endReason}`).out;

const close = (t: number): Segment[] => [
  { from: 'c', flags: F.SYN, seq: 100, t },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: t + 0.000001 },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: t + 0.000002 },
  { from: 'c', flags: F.FIN | F.ACK, seq: 101, ack: 501, t: t + 0.000003 },
  { from: 's', flags: F.FIN | F.ACK, seq: 501, ack: 102, t: t + 0.000004 },
  { from: 'c', flags: F.ACK, seq: 102, ack: 502, t: t + 0.000005 },
];
const on = (clientPort: number, segments: Segment[]): Frame[] => conversation({ ...V4, clientPort }, segments);

describe('ConnTracker expiry when capture time runs backwards', () => {
  it('ends the connection idle longest first, whatever order its packets came in', () => {
    // 41000 closes 1 us after 42000, but its packets come first in the file: capture time
    // runs backwards by a microsecond, as when two CPUs stamp packets. A packet of a third
    // connection comes just after 42000's closed timeout (5 s) and just before 41000's.
    const frames = [...on(41000, close(10)), ...on(42000, close(9.999999)), ...on(43000, [{ from: 'c', flags: F.SYN, seq: 1, t: 15.0000045 }])];
    expect(ends(frames)).toEqual(['42000 at 13 (idle)', '41000 at Infinity (capture-end)', '43000 at Infinity (capture-end)']);
  });

  it('keeps file order for connections last seen at the same time', () => {
    const frames = [...on(41000, close(10)), ...on(42000, close(10)), ...on(43000, [{ from: 'c', flags: F.SYN, seq: 1, t: 16 }])];
    expect(ends(frames)).toEqual(['41000 at 13 (idle)', '42000 at 13 (idle)', '43000 at Infinity (capture-end)']);
  });
});

describe('ConnTracker table growth', () => {
  it('finds every connection again after its hash table grew many times over', () => {
    const n = 5000; // the table starts with 1,024 chains
    const syns = Array.from({ length: n }, (_, i) => on(20000 + i, [{ from: 'c', flags: F.SYN, seq: 100, t: 1 + i * 1e-6 }])).flat();
    const answers = Array.from({ length: n }, (_, i) => on(20000 + i, [{ from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: 2 + i * 1e-6 }])).flat();
    const out = ends([...syns, ...answers]);
    expect(out).toHaveLength(n);
    expect(out.every((e) => / at Infinity \(capture-end\)$/.test(e))).toBe(true);
    expect(new Set(out.map((e) => e.split(' ')[0])).size).toBe(n);
  });
});

describe('ConnTracker when capture time jumps far back (two captures joined)', () => {
  it('puts a connection older than every other at the head: it expires first', () => {
    const later = Array.from({ length: 100 }, (_, i) => on(30000 + i, close(100 + i * 0.001))).flat();
    const earlier = on(31000, close(50));
    const probe = on(43000, [{ from: 'c', flags: F.SYN, seq: 1, t: 55.5 }]);
    const out = ends([...later, ...earlier, ...probe]);
    // 31000 closed at t=50: idle 5.5 s at the probe; the others closed at t >= 100.
    expect(out[0]).toBe(`31000 at ${later.length + earlier.length + 1} (idle)`);
    expect(out.slice(1).every((e) => e.endsWith('(capture-end)'))).toBe(true);
  });
});

describe('advanceTo: a quiet link still ends finished connections', () => {
  it('ends a closed connection once the clock passes the close delay, with no packet after it', () => {
    // tcp-normal-close.pcap (recorded, test/fixtures/captures/MANIFEST.md): connections closed by FINs
    const { packets } = readCapture(fixture('tcp-normal-close.pcap'));
    const ended: string[] = [];
    const tracker = new ConnTracker((c) => ended.push(c.endReason ?? ''));
    const decoder = new PacketDecoder();
    for (const raw of packets) {
      const p = decoder.decode(raw);
      if (p) tracker.packet(p);
    }
    const last = packets[packets.length - 1];
    expect(ended).toEqual([]);
    tracker.advanceTo(last.tsSec + 4, last.tsNsec);
    expect(ended).toEqual([]); // inside the 5 s close delay
    tracker.advanceTo(last.tsSec + 6, last.tsNsec);
    expect(ended).toEqual(['idle', 'idle', 'idle']); // its three connections, all finished
  });
});
