import fc from 'fast-check';
import { AGENT_FAMILIES, AgentMessageSchema, allMetricLabels, checkSnapshot, escapeLabelValue, renderFamilies, renderRows, agentLabel, seriesBudget, SnapshotSchema, LATENCY_BUCKETS, type Snapshot } from './index';

const snapshot = (families: Snapshot['families']): Snapshot => ({ type: 'snapshot', bootId: 'b0e1c2d3-0000', seq: 1, time: 1, families });
const hist = (n: number) => [...LATENCY_BUCKETS.map(() => n), n];

describe('snapshot checks (what a hub accepts)', () => {
  it('accepts rows in every family with allowed label values', () => {
    const s = snapshot({
      [AGENT_FAMILIES.tcpConnections.name]: [[['inbound', '443', 'SF'], 3], [['outbound', 'other', 'REJ'], 1]],
      [AGENT_FAMILIES.tcpHandshakeDuration.name]: [[['inbound'], hist(2), 0.0004]],
      [AGENT_FAMILIES.tlsHandshakes.name]: [[['1.3', 'TLS_AES_128_GCM_SHA256'], 2], [['1.2', 'GREASE (0x0a0a)'], 1]],
    });
    expect(SnapshotSchema.safeParse(s).success).toBe(true);
    expect(checkSnapshot(s, 10_000)).toBeNull();
  });

  it.each([
    ['unknown family', { shakewatch_nope_total: [[[], 1]] }, 'bad_schema'],
    ['wrong label count', { shakewatch_tcp_connections_total: [[['inbound', '443'], 1]] }, 'bad_schema'],
    ['closed label outside its set', { shakewatch_tcp_connections_total: [[['sideways', '443', 'SF'], 1]] }, 'bad_label'],
    ['quote in an open label', { shakewatch_tls_handshakes_total: [[['1.3', 'a"b'], 1]] }, 'bad_label'],
    ['newline in an open label', { shakewatch_tls_handshakes_total: [[['1.3', 'a\nb'], 1]] }, 'bad_label'],
    ['backslash in an open label', { shakewatch_tls_alerts_total: [[['fatal', 'a\\b'], 1]] }, 'bad_label'],
    ['port that is not a port', { shakewatch_tcp_resets_total: [[['inbound', '99999x', 'client', 'handshake'], 1]] }, 'bad_label'],
    ['histogram with too few buckets', { shakewatch_tcp_handshake_duration_seconds: [[['inbound'], [1, 2], 0.1]] }, 'bad_schema'],
    ['histogram going down', { shakewatch_tcp_handshake_duration_seconds: [[['inbound'], [...hist(2).slice(0, -1), 1], 0.1]] }, 'bad_schema'],
    ['the same series twice', { shakewatch_capture_packets_total: [[[], 1], [[], 2]] }, 'bad_schema'],
  ] as const)('refuses %s', (_name, families, reason) => {
    const s = snapshot(families as unknown as Snapshot['families']);
    expect(SnapshotSchema.safeParse(s).success).toBe(true);
    expect(checkSnapshot(s, 10_000)?.reason).toBe(reason);
  });

  it('refuses more series than the limit, and more distinct values than a label cap', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [['unknown', String(1 + i), 'SF'], 1] as [string[], number]);
    expect(checkSnapshot(snapshot({ shakewatch_tcp_connections_total: rows }), 4000)?.reason).toBe('too_many_series');
    expect(checkSnapshot(snapshot({ shakewatch_tcp_connections_total: rows }), 1e9)).toEqual({ reason: 'too_many_series', detail: expect.stringMatching(/values of port/) });
  });

  it('a hello names the hub it moved from by a hub id and a non-negative age, or not at all', () => {
    const hello = { type: 'hello', protocol: 1, agentId: 'a-1', agentVersion: '1.0.0', hostname: 'h', bootId: 'b0e1c2d3-0000', startedAt: 1, intervalSeconds: 10, capture: { source: 'live', interfaces: ['eth0'] } };
    const ok = (movedFrom: unknown) => AgentMessageSchema.safeParse({ ...hello, movedFrom }).success;
    expect(AgentMessageSchema.safeParse(hello).success).toBe(true);
    expect(ok({ hubId: 'hub-1.example:9464', secondsAgo: 0.25 })).toBe(true);
    expect(ok({ hubId: 'hub 1', secondsAgo: 1 })).toBe(false);
    expect(ok({ hubId: 'hub-1', secondsAgo: -1 })).toBe(false);
    expect(ok({ hubId: 'hub-1', secondsAgo: 1, extra: 1 })).toBe(false);
    expect(ok({ hubId: 'hub-1' })).toBe(false);
  });

  it('never lets an unparsed message through the schema', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = AgentMessageSchema.safeParse(v);
      if (r.success) expect(['hello', 'snapshot']).toContain(r.data.type);
    }), { numRuns: 500 });
  });
});

describe('series budget', () => {
  it('worst case is the product of every label cap; typical is far below it', () => {
    const b = seriesBudget();
    expect(b.perFamily.shakewatch_tcp_connections_total).toBe(3 * 17 * 13);
    expect(b.perFamily.shakewatch_tcp_handshake_duration_seconds).toBe(3 * (LATENCY_BUCKETS.length + 3));
    expect(b.worstCase).toBe(Object.values(b.perFamily).reduce((a, n) => a + n, 0));
    expect(b.typical).toBeLessThan(b.worstCase / 10);
  });
});

describe('exposition', () => {
  it('escapes backslash, quote and newline in label values, whatever the input', () => {
    fc.assert(fc.property(fc.string(), (v) => {
      const e = escapeLabelValue(v);
      expect(e.replace(/\\[\\"n]/g, '')).not.toMatch(/[\\"\n]/);
    }));
    expect(agentLabel('a"b\\c\nd')).toBe('agent="a\\"b\\\\c\\nd"');
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const text = renderRows(AGENT_FAMILIES.tlsHandshakeDuration, agentLabel('h'), [[['1.3'], hist(4), 0.25]]);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(LATENCY_BUCKETS.length + 3);
    expect(lines[0]).toBe('shakewatch_tls_handshake_duration_seconds_bucket{agent="h",version="1.3",le="0.00005"} 4');
    expect(lines.at(-3)).toBe('shakewatch_tls_handshake_duration_seconds_bucket{agent="h",version="1.3",le="+Inf"} 4');
    expect(lines.at(-2)).toBe('shakewatch_tls_handshake_duration_seconds_sum{agent="h",version="1.3"} 0.25');
    expect(lines.at(-1)).toBe('shakewatch_tls_handshake_duration_seconds_count{agent="h",version="1.3"} 4');
  });

  it('prints a header for every family, rows or not', () => {
    const text = renderFamilies(Object.values(AGENT_FAMILIES), 'x', () => undefined);
    expect(text.match(/^# TYPE /gm)).toHaveLength(Object.keys(AGENT_FAMILIES).length);
  });

  it('lists every family and label for query checks', () => {
    const m = allMetricLabels();
    expect([...m.get('shakewatch_tcp_resets_total')!]).toEqual(['agent', 'direction', 'port', 'sender', 'phase']);
    expect(m.get('shakewatch_tcp_handshake_duration_seconds_bucket')!.has('le')).toBe(true);
    expect(m.get('shakewatch_hub_rejected_total')!.has('agent')).toBe(false);
  });
});

describe('limits', () => {
  it('the hub\'s default rate limit lets through an agent at the shortest interval a hello may declare', async () => {
    const { DEFAULT_LIMITS, MIN_SNAPSHOT_INTERVAL_SECONDS } = await import('./limits');
    expect(DEFAULT_LIMITS.messagesPerSecond).toBeGreaterThanOrEqual(1 / MIN_SNAPSHOT_INTERVAL_SECONDS);
  });
});
