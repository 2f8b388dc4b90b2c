import fc from 'fast-check';
import { CaptureAnalyzer } from '../capture-analyzer';
import { connectionEvent } from '../event/connection-event';
import { connectionEventJson } from '../event/connection-event-json';
import type { Connection } from '../tcp/connection';
import { writePcap, writePcapng, type Frame } from '../testing/capture-writer';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';

// Hostile capture times (issue 13, "Impossible timestamps"): each capture is built here.
// Before packet-time.ts, each of these was `internal decoder fault: Invalid time value`
// with every event lost, or an `@timestamp` that is not ISO 8601.

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

interface Result {
  events: ReturnType<typeof connectionEvent>[];
  lines: string[];
  analyzer: CaptureAnalyzer;
}

/** Analyse as inspect does: both event forms of every connection, checked against each other. */
function run(bytes: Uint8Array): Result {
  const events: Result['events'] = [];
  const lines: string[] = [];
  const analyzer = new CaptureAnalyzer((c: Connection) => {
    events.push(connectionEvent(c));
    lines.push(connectionEventJson(c));
  });
  analyzer.push(bytes);
  analyzer.end();
  return { events, lines, analyzer };
}

function expectSound(r: Result): void {
  expect(r.analyzer.error).toBeNull();
  r.events.forEach((e, i) => {
    expect(r.lines[i]).toBe(JSON.stringify(e));
    const at = e['@timestamp'];
    if (at !== undefined) {
      expect(at).toMatch(ISO);
      expect(Number.isNaN(Date.parse(`${at.slice(0, 19)}Z`))).toBe(false);
    }
    expect(e.event.duration).toBeGreaterThanOrEqual(0);
  });
}

const handshake = (t: number): Segment[] => [
  { from: 'c', flags: F.SYN, seq: 100, t },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: t + 0.001 },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: t + 0.002 },
];
const on = (clientPort: number, segments: Segment[]): Frame[] => conversation({ ...V4, clientPort }, segments);
/** One good connection, a frame at `bad`'s time (a SYN of its own), another good connection. */
const around = (bad: Partial<Frame>): Frame[] => [...on(41000, handshake(0)), { ...on(42000, handshake(1))[0], ...bad }, ...on(43000, handshake(2))];

describe('impossible capture times: a skipped, counted packet, never a fault', () => {
  it.each([
    ['pcapng past year 275760 (past Date)', writePcapng(around({ rawTs: 2n ** 63n }), [{ linkType: 1 }])],
    ['pcapng past 2106, the last second classic pcap holds', writePcapng(around({ tsSec: 2 ** 32, tsNsec: 0 }), [{ linkType: 1 }])],
    ['pcap microseconds of 1,000,000 or more', writePcap(around({ tsNsec: 4_000_000_000 * 1000 }))],
    ['pcap nanoseconds of 1e9 or more', writePcap(around({ tsNsec: 1e9 }), { nanos: true })],
  ])('%s', (_name, bytes) => {
    const r = run(bytes);
    expectSound(r);
    expect(r.analyzer.decoder.skipped.bad_timestamp).toBe(1);
    expect(r.events.map((e) => [e.source.port, e.tcp.conn_state])).toEqual([[41000, 'S1'], [43000, 'S1']]);
  });

  it('the first packet at an impossible time loses nothing else', () => {
    const frames = [{ ...on(40000, handshake(0))[0], rawTs: 2n ** 64n - 1n }, ...on(41000, handshake(1))];
    const r = run(writePcapng(frames, [{ linkType: 1 }]));
    expectSound(r);
    expect(r.events.map((e) => e.source.port)).toEqual([41000]);
    expect(r.events[0]['@timestamp']).toBe('2023-11-14T22:13:21.000000000Z');
  });

  it.each([
    ['huge', 2n ** 62n],
    ['most negative', -(2n ** 63n)],
    ['back before 1970', -2_000_000_000n],
  ])('if_tsoffset %s: that interface\'s packets skipped, the others kept', (_name, tsoffset) => {
    const frames = [...on(41000, handshake(0)), ...on(42000, handshake(1)).map((f) => ({ ...f, interfaceId: 1 })), ...on(43000, handshake(2))];
    const r = run(writePcapng(frames, [{ linkType: 1 }, { linkType: 1, tsoffset }]));
    expectSound(r);
    expect(r.analyzer.decoder.skipped.bad_timestamp).toBe(3);
    expect(r.events.map((e) => e.source.port)).toEqual([41000, 43000]);
  });

  it('a small if_tsoffset still applies (the range is checked after it)', () => {
    const r = run(writePcapng(on(41000, handshake(0)), [{ linkType: 1, tsoffset: -1_000_000_000n }]));
    expectSound(r);
    expect(r.events[0]['@timestamp']).toBe('1992-03-07T20:26:40.000000000Z');
  });

  it('property: random times in pcap and pcapng never throw, give ISO or no @timestamp, never a negative duration', () => {
    const frames = (times: [bigint, bigint][]): Frame[] => {
      const base = [...on(41000, handshake(0)), ...on(42000, [{ from: 's', flags: F.ACK, seq: 9, ack: 9, t: 0.5 }]), ...on(41000, [{ from: 'c', flags: F.FIN | F.ACK, seq: 101, ack: 501, t: 3 }])];
      return times.map(([a, b], i) => ({ ...base[i % base.length], rawTs: a, tsSec: Number(a & 0xffffffffn), tsNsec: Number(b % 4_294_967_296n) }));
    };
    const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 1_600_000_000_000_000n, max: 1_800_000_000_000_000n }));
    const offset = fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.tuple(u64, fc.bigInt({ min: 0n, max: 2n ** 32n - 1n })), { minLength: 1, maxLength: 12 }), offset, fc.boolean(), (times, tsoffset, nanos) => {
        const f = frames(times);
        // pcap: any 32-bit seconds and fraction fields (tsNsec is written as microseconds * 1000 unless nanos).
        const pcapFrames = f.map((x) => ({ ...x, tsNsec: nanos ? x.tsNsec : x.tsNsec * 1000 }));
        expectSound(run(writePcap(pcapFrames, { nanos })));
        expectSound(run(writePcapng(f, [{ linkType: 1, tsresol: 9, tsoffset }])));
      }),
      { numRuns: 300 },
    );
  });
});
