import type { Connection } from '@shakewatch/decoder';
import type { LiveCapture } from '@shakewatch/pcap';
import { AGENT_FAMILIES, checkSnapshot, DEFAULT_LIMITS, type Snapshot, type ValueRow } from '@shakewatch/protocol';
import pino from 'pino';
import { AgentTotals } from '../aggregate/agent-totals';
import { DirectionClassifier } from '../aggregate/direction';
import { PortLabeler } from '../aggregate/port-labeler';
import { FlowBypass } from './flow-bypass';

const conn = (clientPort: number, endReason: Connection['endReason'] = null, fins = 0) =>
  ({
    ipVersion: 4, clientAddr: new Uint8Array([10, 0, 0, 1]), clientPort, serverAddr: new Uint8Array([10, 0, 0, 2]), serverPort: 443, endReason,
    ep0: { finCount: fins, rstCount: 0 }, ep1: { finCount: 0, rstCount: 0 },
  }) as unknown as Connection;

/** A capture that records what the bypass asks of it (the table is the real one). */
function fakeCapture(answer: 'added' | 'full' | 'late' = 'added') {
  const adds: number[][] = [];
  const capture = {
    closed: false,
    setBypass: () => undefined,
    addBypass: (index: number, _v: number, _a: Uint8Array, pa: number) => {
      adds.push([index, pa]);
      return answer;
    },
  } as unknown as LiveCapture;
  return { capture, adds };
}

describe('FlowBypass', () => {
  it('names a learned connection to the capture whose batch is being read, at the packet read', () => {
    const { capture, adds } = fakeCapture();
    let index = 7;
    const bypass = new FlowBypass({ idleTimeoutSeconds: 3600 }, pino({ level: 'silent' }), () => capture, () => index);
    bypass.learned(conn(1)); // no capture opened yet: nothing
    bypass.attach(capture);
    bypass.learned(conn(40000));
    index = 9;
    bypass.learned(conn(40001));
    expect(adds).toEqual([[7, 40000], [9, 40001]]);
  });

  it('takes connections the tracker ended as evicted or idle out of the table; the others left it at their FIN, RST or SYN', () => {
    const { capture } = fakeCapture();
    const bypass = new FlowBypass({ idleTimeoutSeconds: 3600 }, pino({ level: 'silent' }), () => capture, () => 0);
    bypass.attach(capture);
    const table = (bypass as unknown as { table: { remove: (...a: unknown[]) => boolean } }).table;
    const removed: unknown[] = [];
    table.remove = (...a: unknown[]) => removed.push(a[2]) > 0;
    for (const reason of ['evicted', 'idle', 'capture-end', 'port-reused'] as const) bypass.ended(conn(40000, reason));
    bypass.ended(conn(40001, 'idle', 1)); // a FIN took it out already
    expect(removed).toEqual([40000, 40000]);
  });

  it('says once that the table is full', () => {
    const { capture } = fakeCapture('full');
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const bypass = new FlowBypass({ idleTimeoutSeconds: 3600 }, log, () => capture, () => 0);
    bypass.attach(capture);
    for (let i = 0; i < 5; i++) bypass.learned(conn(40000 + i));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/bypass table full/);
  });
});

describe('the bypass counters in the agent totals', () => {
  const totals = () => new AgentTotals({ direction: new DirectionClassifier([]), ports: new PortLabeler({}), startTimeSeconds: 1_700_000_000 });
  const stats = { entries: 3, capacity: 65536, added: 10, alreadyIn: 0, full: 1, hits: 1008, bypassedPackets: 1000, bypassedBytes: 1_500_000, passedFlags: 7, passedRefresh: 1, notUnderstood: 2, expired: 0, removed: 0, late: 4 };

  it('are rows of the bypass families, which pass the hub\'s checks', () => {
    const t = totals();
    t.bypass(stats);
    const families = t.families();
    const rows = (name: string) => Object.fromEntries((families[name] as ValueRow[]).map(([l, v]) => [l.join(','), v]));
    expect(rows(AGENT_FAMILIES.bypassConnections.name)).toEqual({ '': 3 });
    expect(rows(AGENT_FAMILIES.bypassTable.name)).toEqual({ added: 10, full: 1, late: 4, left_on_flags: 7, left_idle: 0, left_by_agent: 0 });
    expect(rows(AGENT_FAMILIES.bypassPackets.name)).toEqual({ bypassed: 1000, passed_flags: 7, passed_refresh: 1, not_understood: 2 });
    expect(rows(AGENT_FAMILIES.bypassedBytes.name)).toEqual({ '': 1_500_000 });
    const s: Snapshot = { type: 'snapshot', bootId: '00000000-aaaa', seq: 1, time: Date.now(), families };
    expect(checkSnapshot(s, DEFAULT_LIMITS.maxSeriesPerAgent)).toBeNull();
  });

  it('are absent where there is no bypass (a replay, --no-bypass)', () => {
    const families = totals().families();
    for (const f of [AGENT_FAMILIES.bypassConnections, AGENT_FAMILIES.bypassTable, AGENT_FAMILIES.bypassPackets, AGENT_FAMILIES.bypassedBytes]) expect(families[f.name]).toEqual([]);
  });
});
