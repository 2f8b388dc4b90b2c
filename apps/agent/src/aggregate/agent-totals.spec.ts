import { CaptureReader, type RawPacket } from '@shakewatch/decoder';
import { AGENT_FAMILIES, checkSnapshot, DEFAULT_LIMITS, LATENCY_BUCKETS, SnapshotSchema, type HistogramRow, type Snapshot, type ValueRow } from '@shakewatch/protocol';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodingPipeline } from '../pipeline/decoding-pipeline';
import { AgentTotals } from './agent-totals';
import { DirectionClassifier } from './direction';
import { HistogramRows, ValueRows } from './family-rows';
import { PortLabeler } from './port-labeler';

/** One of the project's recorded captures (test/fixtures/captures, see its MANIFEST.md). */
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, '../../../../test/fixtures/captures', name)));

/** Replay one of the project's recorded captures (test/fixtures/captures) into fresh totals. */
function totalsOf(names: string[], local: string[] = [], ports: { ports?: number[]; maxPorts?: number } = {}): { totals: AgentTotals; packets: number } {
  const totals = new AgentTotals({ direction: new DirectionClassifier(local), ports: new PortLabeler(ports), startTimeSeconds: 1_700_000_000 });
  const pipeline = new DecodingPipeline({ onConnection: (c) => totals.ended(c), onHandshake: (c) => totals.handshake(c), onTlsOutcome: (t) => totals.tls(t) });
  let packets = 0;
  for (const name of names) {
    const reader = new CaptureReader((p: RawPacket) => {
      packets++;
      pipeline.packet(p);
    });
    reader.push(fixture(name));
    expect(reader.end()).toBeNull();
  }
  pipeline.flush();
  totals.capture({ received: packets, dropped: 0, interfaceDropped: 0 });
  return { totals, packets };
}

const snapshot = (families: Snapshot['families']): Snapshot => ({ type: 'snapshot', bootId: '00000000-aaaa', seq: 1, time: Date.now(), families });
const rows = (f: Snapshot['families'], name: string) => f[name] as ValueRow[];
const total = (f: Snapshot['families'], name: string, where: (labels: string[]) => boolean = () => true) => rows(f, name).filter(([l]) => where(l)).reduce((a, [, v]) => a + v, 0);

describe('AgentTotals', () => {
  it('a snapshot holds every family of libs/protocol and passes the hub\'s checks', () => {
    const { totals } = totalsOf(['tcp-mixed.pcapng', 'tls-alerts.pcap', 'tls-versions.pcap', 'tls-resumption.pcap'], ['10.77.0.2']);
    const s = snapshot(totals.families());
    expect(Object.keys(s.families)).toEqual(Object.values(AGENT_FAMILIES).map((f) => f.name));
    expect(SnapshotSchema.safeParse(JSON.parse(JSON.stringify(s))).success).toBe(true);
    expect(checkSnapshot(s, DEFAULT_LIMITS.maxSeriesPerAgent)).toBeNull();
  });

  it('counts connections by direction, port and conn_state; resets by direction, port, sender and phase', () => {
    const { totals } = totalsOf(['tcp-mixed.pcapng'], ['10.77.0.2']);
    const f = totals.families();
    const conns = rows(f, AGENT_FAMILIES.tcpConnections.name);
    expect(conns).toEqual(expect.arrayContaining([[['inbound', '8080', 'SF'], 1], [['inbound', 'other', 'REJ'], 1]]));
    expect(total(f, AGENT_FAMILIES.tcpConnections.name)).toBe(5);
    expect(rows(f, AGENT_FAMILIES.tcpResets.name)).toEqual(expect.arrayContaining([[['inbound', 'other', 'server', 'handshake'], 1]]));
    const hs = f[AGENT_FAMILIES.tcpHandshakeDuration.name] as HistogramRow[];
    expect(hs.map(([l, counts]) => [l, counts.at(-1)])).toEqual(expect.arrayContaining([[['inbound'], 3]]));
  });

  it('counts the folds: port, and the caps of cipher, version and description', () => {
    const { totals } = totalsOf(['tcp-mixed.pcapng'], [], { maxPorts: 1 });
    const f = totals.families();
    const folded = Object.fromEntries(rows(f, AGENT_FAMILIES.foldedLabelValues.name).map(([[label], v]) => [label, v]));
    expect(Object.keys(folded).sort()).toEqual(['cipher', 'description', 'port', 'version']);
    expect(folded.port).toBe(total(f, AGENT_FAMILIES.tcpConnections.name, ([, port]) => port === 'other'));
    expect(folded.port).toBeGreaterThan(1);
  });

  it('TLS: handshakes by version and cipher, durations by version, alerts by level and description', () => {
    const { totals } = totalsOf(['tls-versions.pcap', 'tls-alerts.pcap']);
    const f = totals.families();
    const versions = new Set(rows(f, AGENT_FAMILIES.tlsHandshakes.name).map(([[v]]) => v));
    expect([...versions].sort()).toEqual(expect.arrayContaining(['1.2', '1.3']));
    expect(rows(f, AGENT_FAMILIES.tlsAlerts.name).every(([[level]]) => ['warning', 'fatal', 'encrypted', 'other'].includes(level))).toBe(true);
    expect(total(f, AGENT_FAMILIES.tlsAlerts.name)).toBeGreaterThan(0);
  });

  it('a snapshot is a copy: later counts do not change what was sent', () => {
    const { totals } = totalsOf(['tcp-mixed.pcapng']);
    const before = JSON.stringify(totals.families());
    totals.capture({ received: 1e6, dropped: 3, interfaceDropped: 0 });
    expect(JSON.stringify(totals.families())).not.toBe(before);
    const again = totalsOf(['tcp-mixed.pcapng']).totals.families();
    expect(JSON.stringify(again)).toBe(before);
  });

  it('capture counts only go up (a smaller count from a reopened capture is ignored); the start time is a gauge', () => {
    const { totals, packets } = totalsOf(['tcp-mixed.pcapng']);
    totals.capture({ received: 5, dropped: 0, interfaceDropped: 0 });
    const f = totals.families();
    expect(rows(f, AGENT_FAMILIES.capturePackets.name)).toEqual([[[], packets]]);
    expect(rows(f, AGENT_FAMILIES.agentStartTime.name)).toEqual([[[], 1_700_000_000]]);
  });
});

describe('family rows', () => {
  it('histograms: cumulative bucket counts ending with the count, and the sum', () => {
    const h = new HistogramRows(AGENT_FAMILIES.tcpHandshakeDuration);
    for (const v of [0.00001, 0.00005, 0.0003, 20]) h.observe(['inbound'], v);
    const [[labels, counts, sum]] = h.snapshot();
    expect(labels).toEqual(['inbound']);
    expect(counts).toHaveLength(LATENCY_BUCKETS.length + 1);
    expect(counts.slice(0, 4)).toEqual([2, 2, 2, 3]); // le 0.00005 holds 0.00005 itself
    expect(counts.at(-2)).toBe(3);
    expect(counts.at(-1)).toBe(4);
    expect(sum).toBe(20.00036); // kept in whole nanoseconds: the exact decimal, no float residue
    const h2 = new HistogramRows(AGENT_FAMILIES.tcpHandshakeDuration);
    for (const v of [0.000045488, 0.00004714, 0.000046059]) h2.observe(['inbound'], v);
    expect(String(h2.snapshot()[0][2])).toBe('0.000138687'); // summed as doubles: 0.00013868700000000002
  });

  it('counters: add per labels, set, raise never lowers', () => {
    const c = new ValueRows(AGENT_FAMILIES.tcpConnections);
    c.add(['inbound', '443', 'SF']);
    c.add(['inbound', '443', 'SF'], 2);
    c.add(['outbound', 'other', 'REJ']);
    expect(c.snapshot()).toEqual([[['inbound', '443', 'SF'], 3], [['outbound', 'other', 'REJ'], 1]]);
    const g = new ValueRows(AGENT_FAMILIES.capturePackets);
    g.raise([], 10);
    g.raise([], 4);
    expect(g.snapshot()).toEqual([[[], 10]]);
  });
});
