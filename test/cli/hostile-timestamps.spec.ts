import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap, writePcapng, type Frame } from '../../libs/decoder/src/testing/capture-writer';
import { conversation, F, V4, type Segment } from '../../libs/decoder/src/testing/packet-builder';
import { agent, ndjson } from '../support/agent-cli';
import { parseSamples, sumOf } from '../support/prometheus-text';

// Issue 13, "Impossible timestamps", through the real CLI: `inspect` (text and ndjson) and
// `run --read` read the same hostile captures, built here, and agree: exit 0, every good
// connection reported, each bad packet counted as bad_timestamp. Before: inspect exited 1
// with "internal decoder fault: Invalid time value" and wrote nothing; run --read exited 0.

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;
const handshake = (t: number): Segment[] => [
  { from: 'c', flags: F.SYN, seq: 100, t },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: t + 0.001 },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: t + 0.002 },
];
const on = (clientPort: number, segments: Segment[]): Frame[] => conversation({ ...V4, clientPort }, segments);

const dir = mkdtempSync(join(tmpdir(), 'shakewatch-hostile-ts-'));
const file = (name: string, bytes: Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const CAPTURES: [string, string, number][] = [
  // The first packet past year 275760, then one on an interface whose if_tsoffset is most negative.
  ['pcapng, past Date and a most-negative if_tsoffset', file('far.pcapng', writePcapng(
    [{ ...on(40000, handshake(0))[0], rawTs: 2n ** 63n }, ...on(41000, handshake(1)), { ...on(42000, handshake(2))[0], interfaceId: 1 }, ...on(43000, handshake(3))],
    [{ linkType: 1 }, { linkType: 1, tsoffset: -(2n ** 63n) }],
  )), 2],
  ['pcap, a microsecond field of 4e9', file('usec.pcap', writePcap([...on(41000, handshake(0)), { ...on(42000, handshake(1))[0], tsNsec: 4e12 }, ...on(43000, handshake(2))])), 1],
];

describe.each(CAPTURES)('%s', (_name, path, bad) => {
  it('inspect text: exit 0, every connection, ISO start times', () => {
    const r = agent(['inspect', path]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const started = [...r.stdout.matchAll(/started (\S+),/g)].map((m) => m[1]);
    expect(started).toHaveLength(2);
    for (const s of started) expect(s).toMatch(ISO);
  });

  it('inspect ndjson and run --read agree: the same connections, the bad packets counted', () => {
    const r = agent(['inspect', path, '-f', 'ndjson']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const events = ndjson(r.stdout);
    expect(events.map((e) => e.source.port)).toEqual([41000, 43000]);
    for (const e of events) {
      expect(e['@timestamp']).toMatch(ISO);
      expect(e.event.duration).toBeGreaterThanOrEqual(0);
    }
    const run = agent(['run', '--read', path, '--print-metrics', '--agent-id', 't', '--log-level', 'silent']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    const samples = parseSamples(run.stdout);
    expect(sumOf(samples, 'shakewatch_tcp_connections_total')).toBe(events.length);
    expect(samples.find((s) => s.name === 'shakewatch_agent_skipped_packets_total' && s.labels.reason === 'bad_timestamp')?.value).toBe(bad);
  });
});

describe('one packet stamped in 2106 in the middle of a capture', () => {
  // Before: every open connection ended as idle at it (duration -2.5e18 ns) and their later
  // packets opened new ones. Now the jump is held until a second packet confirms it.
  const ack = (t: number): Segment => ({ from: 'c', flags: F.ACK, seq: 101, ack: 501, t });
  const path = file('2106.pcap', writePcap([
    ...on(41000, handshake(0)), ...on(42000, handshake(1)),
    { ...on(45000, handshake(2))[0], tsSec: 2 ** 32 - 1 },
    ...on(41000, [ack(3)]), ...on(42000, [ack(4)]),
  ]));

  it('ends no connection as idle; inspect and run --read count the same connections', () => {
    const r = agent(['inspect', path, '-f', 'ndjson']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const events = ndjson(r.stdout);
    expect(events.map((e) => [e.source.port, e.event.reason])).toEqual([[41000, 'capture-end'], [42000, 'capture-end'], [45000, 'capture-end']]);
    for (const e of events) expect(e.event.duration).toBeGreaterThanOrEqual(0);
    const run = agent(['run', '--read', path, '--print-metrics', '--agent-id', 't', '--log-level', 'silent']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(sumOf(parseSamples(run.stdout), 'shakewatch_tcp_connections_total')).toBe(3);
  });
});
