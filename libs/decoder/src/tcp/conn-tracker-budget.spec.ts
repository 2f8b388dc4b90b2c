import fc from 'fast-check';
import { rawFrame } from '../capture/raw-packet';
import { connectionEvent } from '../event/connection-event';
import { PacketDecoder } from '../packet-decoder';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import { trackFrames, type Frame } from '../testing/track-frames';
import { TlsStreams } from '../tls/tls-streams';
import { ConnTracker, type ConnTrackerOptions } from './conn-tracker';
import { CONNECTION_BYTES } from './memory-costs';

// Issue 13, memory under attack: half-open connections kept compact, one memory budget
// for all connection and reassembly state (shed in order, counted), and the later
// segments of evicted connections counted instead of each opening a new connection.

const START = 1_700_000_000;
const on = (clientPort: number, segments: Segment[], client = V4.client): Frame[] => conversation({ ...V4, client, clientPort }, segments, START);
const syn = (t: number, seq = 100): Segment => ({ from: 'c', flags: F.SYN, seq, t });
const handshake = (t: number): Segment[] => [syn(t), { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t }, { from: 'c', flags: F.ACK, seq: 101, ack: 501, t }];
const data = (t: number, seq: number, payload: number): Segment => ({ from: 'c', flags: F.ACK | F.PSH, seq, ack: 501, payload, t });
const events = (frames: Frame[], options: ConnTrackerOptions = {}) => trackFrames(frames, (c) => JSON.stringify(connectionEvent(c)), options);

/** One SYN each from `n` different sources, 10 us apart. */
function synFlood(n: number): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i < n; i++) frames.push(...conversation({ ...V4, client: [11, (i >> 16) & 255, (i >> 8) & 255, i & 255], clientPort: 1024 + (i % 60000) }, [syn(i * 1e-5, i * 7919)], START));
  return frames;
}

describe('ConnTracker: half-open connections are compact', () => {
  it('a SYN flood costs ~100 bytes a half-open connection, not a Connection (~1 KB) each', () => {
    // Measured while they are tracked (a flush check alone would pass a tracker that only counts).
    const tracker = new ConnTracker(() => undefined, { compactSynsFrom: 0 });
    const decoder = new PacketDecoder();
    for (const f of synFlood(20000)) {
      const p = decoder.decode(rawFrame(f.data, { frame: 1, tsSec: f.tsSec, tsNsec: f.tsNsec }));
      if (p !== null) tracker.packet(p);
    }
    expect(tracker.stats.halfOpen).toBe(20000);
    expect(tracker.stats.active).toBe(20000);
    expect(tracker.memoryUsed() / 20000).toBeLessThan(CONNECTION_BYTES / 5);
    tracker.flush();
    expect(tracker.stats.connectionsEnded).toBe(20000);
  });

  it('ends half-open connections exactly as Connections would: ids, order, counts and times, by idle and SYN timeouts (a ladder keeps every connection whole)', () => {
    const seg = fc.record({
      port: fc.integer({ min: 0, max: 5 }),
      kind: fc.constantFrom('syn', 'syn2', 'synEcn', 'synack', 'rst', 'ack', 'data', 'fin'),
      dt: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.constant(0), fc.integer({ min: -2, max: 0 })),
    });
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 25 }), (segs, maxConnections, idle, synTimeout) => {
        let t = 0;
        const frames: Frame[] = [];
        for (const s of segs) {
          t = Math.max(0, t + s.dt / 1000);
          const segment: Segment = {
            syn: syn(t),
            syn2: syn(t, 9000),
            synEcn: { from: 'c', flags: F.SYN | F.ECE | F.CWR, seq: 100, t } as Segment,
            synack: { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t } as Segment,
            rst: { from: 's', flags: F.RST | F.ACK, seq: 0, ack: 101, t } as Segment,
            ack: { from: 'c', flags: F.ACK, seq: 101, ack: 501, t } as Segment,
            data: data(t, 101, 10),
            fin: { from: 'c', flags: F.FIN | F.ACK, seq: 111, ack: 501, t } as Segment,
          }[s.kind];
          frames.push(...on(40000 + s.port, [segment]));
        }
        const options = { maxConnections, idleTimeoutSeconds: idle, synTimeoutSeconds: synTimeout, closedTimeoutSeconds: 1, compactSynsFrom: 0 };
        const compact = events(frames, options).out;
        const whole = events(frames, { ...options, recordLadder: true }).out;
        expect(compact).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ConnTracker: one memory budget', () => {
  it('gives out-of-order bytes back first, counted, and stays within the budget', () => {
    // 400 connections, each a first segment missing and 4 later ones held (2.2 MB held in all).
    const frames: Frame[] = [];
    for (let i = 0; i < 400; i++) frames.push(...on(41000 + i, [...handshake(i), ...[1, 2, 3, 4].map((k) => data(i + 0.1 * k, 101 + 1400 * k, 1400))]));
    const budget = 4_500_000;
    const { tracker, out } = events(frames, { memoryBudgetBytes: budget });
    expect(out).toHaveLength(400);
    expect(tracker.stats.shedOutOfOrder).toBeGreaterThan(0);
    expect(tracker.stats.shedOutOfOrderBytes).toBeGreaterThan(0);
    expect(tracker.stats.shedConnections).toBe(0);
    expect(tracker.stats.memoryBytes).toBeLessThanOrEqual(budget * 0.4); // the state share of the budget
    // Without a budget to speak of, every connection held its bytes to the end.
    expect(events(frames).tracker.stats.shedOutOfOrder).toBe(0);
  });

  it('keeps its empty reassembly slabs while out-of-order bytes are left to shed (a slab made again is fresh pages)', () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 400; i++) frames.push(...on(41000 + i, [...handshake(i), ...[1, 2, 3, 4].map((k) => data(i + 0.1 * k, 101 + 1400 * k, 1400))]));
    const drops = jest.spyOn(TlsStreams.prototype, 'dropSpares');
    try {
      const { tracker } = events(frames, { memoryBudgetBytes: 4_500_000 });
      expect(tracker.stats.shedOutOfOrder).toBeGreaterThan(100);
      // Only at the few sheds that found no held bytes left (it was every shed step).
      expect(drops.mock.calls.length).toBeLessThan(tracker.stats.shedOutOfOrder / 10);
      drops.mockClear();
      // Nothing held out of order any more: spares go before any connection does.
      const evicting = events(frames.filter((_, i) => i % 7 < 3), { memoryBudgetBytes: 40 * CONNECTION_BYTES, compactSynsFrom: 0 });
      expect(evicting.tracker.stats.shedConnections).toBeGreaterThan(0);
      expect(drops).toHaveBeenCalled();
    } finally {
      drops.mockRestore();
    }
  });

  it('then ends the least recently seen connections, counted apart from the connection cap', () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 300; i++) frames.push(...on(41000 + i, handshake(i)));
    const { tracker, out } = events(frames, { memoryBudgetBytes: 100 * CONNECTION_BYTES, compactSynsFrom: 0 });
    expect(out).toHaveLength(300);
    expect(tracker.stats.shedConnections).toBeGreaterThan(150);
    expect(tracker.stats.evicted).toBe(0);
    expect(out[0]).toContain('"reason":"evicted"');
  });

  it('charges nothing for connections once they ended', () => {
    const frames: Frame[] = [];
    for (let i = 0; i < 50; i++) frames.push(...on(41000 + i, [...handshake(i), data(i, 101, 100), data(i, 2000, 100)]));
    const { tracker } = events(frames);
    expect(tracker.stats.active).toBe(0);
    expect(tracker.connectionBytes).toBe(0);
  });
});

describe('ConnTracker: after an eviction', () => {
  it('counts an evicted connection\'s later segments instead of opening a new connection for each', () => {
    // 100 connections interleaved: all handshakes, then 5 data segments each, round-robin.
    const frames: Frame[] = [];
    for (let i = 0; i < 100; i++) frames.push(...on(41000 + i, handshake(i * 0.001)));
    for (let k = 0; k < 5; k++) for (let i = 0; i < 100; i++) frames.push(...on(41000 + i, [data(1 + k + i * 0.001, 101 + 10 * k, 10)]));
    const { tracker, out } = events(frames, { maxConnections: 10 });
    // Before: every later segment of an evicted connection became a connection of its own (590 events).
    expect(out).toHaveLength(100);
    expect(tracker.stats.evictedSegments).toBe(90 * 5);
  });

  it('a new SYN on an evicted tuple starts a connection again', () => {
    const frames = [...on(41000, handshake(0)), ...on(41001, handshake(1)), ...on(41000, [data(2, 101, 10)]), ...on(41000, [syn(3, 7777)])];
    const { out, tracker } = events(frames, { maxConnections: 1 });
    expect(out).toHaveLength(3);
    expect(tracker.stats.evictedSegments).toBe(1);
  });
});

describe('out-of-order is not retransmission', () => {
  const anomalies = (frames: Frame[]) => events(frames).out.map((e) => JSON.parse(e.slice(e.indexOf('(') + 1, -1)).tcp.anomalies);

  it('bytes not seen before, soon after later ones: out_of_order; bytes seen before: retransmission', () => {
    const frames = on(41000, [...handshake(0), data(0.001, 1101, 1000), data(0.0011, 101, 1000), data(0.0012, 101, 1000)]);
    expect(anomalies(frames)).toEqual([{ seq_gap: 1, out_of_order: 1, retransmission: 1 }]);
  });

  it('a hole filled long after (the original lost before the capture point) is a retransmission, as Wireshark says', () => {
    const frames = on(41000, [...handshake(0), data(0.001, 1101, 1000), data(0.5, 101, 1000)]);
    expect(anomalies(frames)).toEqual([{ seq_gap: 1, retransmission: 1 }]);
  });

  it('a hole filled in pieces: each piece is out of order once', () => {
    const frames = on(41000, [...handshake(0), data(0.001, 1101, 100), data(0.0011, 601, 500), data(0.0012, 101, 500), data(0.0013, 101, 500)]);
    expect(anomalies(frames)).toEqual([{ seq_gap: 1, out_of_order: 2, retransmission: 1 }]);
  });
});
