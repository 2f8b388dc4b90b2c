import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AGENT_FAMILIES, HUB_AGENT_FAMILIES, type MetricFamily, type Snapshot } from '@shakewatch/protocol';
import { AgentRegistry } from '../registry/agent-registry';
import { hello, snapshot } from '../testing/messages';
import { ExpositionService, expositionText } from './exposition.service';
import { HubHealth } from './hub-health';

/** The oracle: a plain rendering written independently of libs/protocol's renderer. */
function esc(v: string): string {
  let out = '';
  for (const ch of v) out += ch === '\\' ? '\\\\' : ch === '"' ? '\\"' : ch === '\n' ? '\\n' : ch;
  return out;
}
function plain(agents: { id: string; families: Snapshot['families'] }[]): string {
  const sorted = [...agents].sort((a, b) => (a.id < b.id ? -1 : 1));
  let out = '';
  for (const f of Object.values(AGENT_FAMILIES) as MetricFamily[]) {
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`;
    for (const a of sorted) {
      for (const row of a.families[f.name] ?? []) {
        const labels = [`agent="${esc(a.id)}"`, ...f.labels.map((l, i) => `${l}="${esc(row[0][i])}"`)];
        if (f.type !== 'histogram') {
          out += `${f.name}{${labels.join(',')}} ${row[1]}\n`;
          continue;
        }
        const counts = row[1] as number[];
        const les = [...f.buckets!.map(String), '+Inf'];
        les.forEach((le, i) => (out += `${f.name}_bucket{${[...labels, `le="${le}"`].join(',')}} ${counts[i]}\n`));
        out += `${f.name}_sum{${labels.join(',')}} ${row[2]}\n`;
        out += `${f.name}_count{${labels.join(',')}} ${counts[counts.length - 1]}\n`;
      }
    }
  }
  return out;
}

const buckets = (n: number) => AGENT_FAMILIES.tcpHandshakeDuration.buckets.map((_, i) => Math.min(n, i)).concat([n]);
function families(k: number): Snapshot['families'] {
  return {
    shakewatch_tcp_connections_total: [[['inbound', '443', 'SF'], 10 * k], [['outbound', 'other', 'REJ'], k]],
    shakewatch_tcp_handshake_duration_seconds: [[['inbound'], buckets(k + 1), 0.25 * k]],
    shakewatch_tls_handshakes_total: [[['1.3', 'TLS_AES_128_GCM_SHA256'], k]],
    shakewatch_capture_packets_total: [[[], 1000 * k]],
  };
}

const text = expositionText;

describe('ExpositionService', () => {
  let now: number;
  let reg: AgentRegistry;
  let expo: ExpositionService;
  beforeEach(() => {
    now = 5_000_000;
    reg = new AgentRegistry({ maxAgents: 10_000, graceSeconds: 15, handoverSeconds: 25, agentTtlSeconds: 3600 }, () => now);
    expo = new ExpositionService(reg, new HubHealth(reg), () => now);
  });
  const agentPart = (text: string) => text.slice(0, text.indexOf(`# HELP ${HUB_AGENT_FAMILIES.agentUp.name}`));
  const connect = (id: string, session: number, fams: Snapshot['families'], seq = 1, final = false) => {
    reg.admit(hello(id), session, 'hub-a:9464');
    reg.snapshot(id, session, { ...snapshot('boot-0001', seq, 0, { final }), families: fams });
  };

  it('equals a plain rendering of the visible agents, sorted by id, before and after new snapshots', () => {
    connect('web-2', 1, families(2));
    connect('web-10', 2, families(10));
    connect('db-1', 3, families(1));
    connect('gone', 4, families(4));
    reg.disconnect('gone', 4); // vanished: hidden at once
    const first = text(expo.renderAgents());
    expect(agentPart(first)).toBe(plain([{ id: 'web-2', families: families(2) }, { id: 'web-10', families: families(10) }, { id: 'db-1', families: families(1) }]));
    // web-2 reports again: only its cached chunks change.
    reg.snapshot('web-2', 1, { ...snapshot('boot-0001', 2, 0), families: families(7) });
    const second = text(expo.renderAgents());
    expect(agentPart(second)).toBe(plain([{ id: 'web-2', families: families(7) }, { id: 'web-10', families: families(10) }, { id: 'db-1', families: families(1) }]));
    expect(second).toContain('shakewatch_agent_up{agent="gone"} 0\n');
    expect(second).toContain('shakewatch_agent_up{agent="db-1"} 1\n');
    expect(second).toContain('shakewatch_agent_info{agent="db-1",version="1.2.3",hostname="db-1.example"} 1\n');
  });

  it('prints every family header even with no agent at all', () => {
    const e = expo.renderAgents();
    expect(agentPart(text(e))).toBe(plain([]));
    expect(e.series).toBe(0);
    expect(text(e)).toContain(`# TYPE ${HUB_AGENT_FAMILIES.agentInfo.name} gauge\n`);
  });

  it('counts the series it renders', () => {
    connect('a', 1, families(1));
    const { series } = expo.renderAgents();
    expect(series).toBe(2 + (AGENT_FAMILIES.tcpHandshakeDuration.buckets.length + 3) + 1 + 1 + 3);
  });

  it('never lets a quote, backslash or newline in a label value reach the output unescaped', () => {
    // The registry is fed directly, past every check the ingest path makes, as if a check had a hole.
    const evil = ['a"} 1\nshakewatch_fake 1\n#', 'back\\slash', 'quote"', 'new\nline', '\\"\n\\n'];
    reg.admit(hello('x"y\\z\nw', 'boot-0001', 10, { agentVersion: 'v"1\n', hostname: 'h\\\n"' }), 1, 'hub-a:9464');
    reg.snapshot('x"y\\z\nw', 1, { ...snapshot('boot-0001', 1, 0), families: {
      shakewatch_tls_handshakes_total: evil.map((v, i) => [[v, evil[(i + 1) % evil.length]], i]),
      shakewatch_tls_handshake_duration_seconds: [[[evil[0]], buckets(3), 1]],
    } });
    const out = text(expo.renderAgents());
    const value = String.raw`"(?:[^"\\\n]|\\[\\"n])*"`;
    const sample = new RegExp(String.raw`^[a-z_]+\{[a-z_]+=${value}(?:,[a-z_]+=${value})*\} [0-9.e+-]+$`);
    const lines = out.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.length).toBe(evil.length + AGENT_FAMILIES.tlsHandshakeDuration.buckets.length + 3 + 3);
    for (const line of lines) expect(line).toMatch(sample);
    expect(out).not.toMatch(/^shakewatch_fake/m);
    expect(out).toContain(String.raw`cipher="back\\slash"`);
    expect(out).toContain(String.raw`agent="x\"y\\z\nw"`);
    if (existsSync('/usr/bin/promtool')) execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: out });
  });

  it('renders 1,000 agents of ~150 series in well under 250 ms: a scrape only lines up bytes rendered at ingest', () => {
    const fams = (k: number): Snapshot['families'] => {
      const rows: [string[], number][] = [];
      for (const dir of ['inbound', 'outbound']) for (const port of ['22', '80', '443', '5432', '8080']) for (const st of ['SF', 'REJ', 'S0', 'RSTO', 'RSTR', 'OTH', 'SH']) rows.push([[dir, port, st], k]);
      return { ...families(k), shakewatch_tcp_connections_total: rows }; // 70 + 20 + 1 + 1 = 92 rows... plus the histogram's 20 lines
    };
    const ingest0 = performance.now();
    for (let i = 0; i < 1000; i++) connect(`agent-${String(i).padStart(4, '0')}`, i + 1, { ...fams(i), shakewatch_tcp_resets_total: Array.from({ length: 40 }, (_, j) => [['inbound', String(1000 + j), 'server', 'handshake'], j]) });
    const ingestMs = performance.now() - ingest0;
    const t0 = performance.now();
    const cold = expo.renderAgents();
    const coldMs = performance.now() - t0;
    const t1 = performance.now();
    const warm = expo.renderAgents();
    const warmMs = performance.now() - t1;
    expect(text(warm)).toBe(text(cold));
    expect(cold.series).toBeGreaterThanOrEqual(1000 * 130);
    // Every agent sent a new snapshot since the last scrape (the steady state of a busy hub): rendered at ingest, spread over the interval.
    expect(ingestMs).toBeLessThan(5000);
    expect(coldMs).toBeLessThan(100);
    expect(warmMs).toBeLessThan(100);
  });
});
