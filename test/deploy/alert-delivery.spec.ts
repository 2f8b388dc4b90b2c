// The RST-spike alert, end to end with real parts: a real Prometheus (1 s scrape and
// evaluation) loads deploy/prometheus/shakewatch.rules.yml (its windows shortened) and
// scrapes a hub's /metrics; a real Alertmanager routes with deploy/alertmanager/
// alertmanager.yml (webhook URL and waits shortened) to a webhook receiver this test runs.
// The resets go flat, then spike: the alert must go pending, then firing, and be delivered
// to the paging receiver with its labels and annotations. Then every dashboard query runs
// against that Prometheus and must return data.
//
// The hub: HUB_METRICS_URL names the /metrics to scrape. Until a real hub fed by real
// agents takes its place, the test serves Prometheus text shaped like the hub's (every
// family of libs/protocol for one agent, plus the hub's own health), and drives the reset
// counter itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AGENT_FAMILIES, HUB_AGENT_FAMILIES, HUB_FAMILIES, LATENCY_BUCKETS, type MetricFamily } from '@shakewatch/protocol';
import { eventually } from '../support/hub-process';
import { freePort, startPrometheus, type PrometheusServer } from '../support/prometheus-server';
import { substitute } from './promql-check';

const DEPLOY = join(__dirname, '../../deploy');
const AGENT = 'e2e-agent';
const FLAT_RESETS_PER_SECOND = 0.5;
const SPIKE_RESETS_PER_SECOND = 60;

/** The rules file with its windows shrunk to seconds; everything else as written. */
export function shortenedRules(text: string): string {
  const out = text
    .replace(/\[5m\]/g, '[10s]').replace(/\[1h\]/g, '[30s]').replace(/\[6h\]/g, '[2m]')
    .replace(/offset 5m/g, 'offset 10s').replace(/offset 1h/g, 'offset 30s')
    .replace(/^(\s+for:) \S+$/gm, '$1 3s');
  expect(out).not.toMatch(/\[(5m|1h|6h)\]|offset (5m|1h)|for: [0-9]+m/);
  return out;
}

/** A /metrics like the hub's: one agent's families (the resets counter driven by the test) and the hub's own. */
class FakeHub {
  resetsPerSecond = FLAT_RESETS_PER_SECOND;
  private resets = 0;
  private last = Date.now();
  private readonly start = Date.now() / 1000;

  text(): string {
    const now = Date.now();
    this.resets += (this.resetsPerSecond * (now - this.last)) / 1000;
    this.last = now;
    const t = (now / 1000 - this.start);
    const lines: string[] = [];
    const fam = (f: MetricFamily, samples: [Record<string, string>, number][], perAgent = true) => {
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
      for (const [labels, v] of samples) {
        const all = perAgent ? { agent: AGENT, ...labels } : labels;
        const ls = Object.entries(all).map(([k, x]) => `${k}="${x}"`).join(',');
        lines.push(`${f.name}${ls ? `{${ls}}` : ''} ${v}`);
      }
    };
    const histogram = (f: MetricFamily, labels: Record<string, string>, perSecond: number, seconds: number) => {
      const n = Math.floor(perSecond * t);
      const samples: [Record<string, string>, number][] = [];
      for (const le of LATENCY_BUCKETS) samples.push([{ ...labels, le: String(le) }, le >= seconds ? n : 0]);
      samples.push([{ ...labels, le: '+Inf' }, n]);
      lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} histogram`);
      for (const [l, v] of samples) lines.push(`${f.name}_bucket{${Object.entries({ agent: AGENT, ...l }).map(([k, x]) => `${k}="${x}"`).join(',')}} ${v}`);
      const base = Object.entries({ agent: AGENT, ...labels }).map(([k, x]) => `${k}="${x}"`).join(',');
      lines.push(`${f.name}_sum{${base}} ${n * seconds}`, `${f.name}_count{${base}} ${n}`);
    };
    const grow = (perSecond: number) => Math.floor(perSecond * t);
    const F = AGENT_FAMILIES;
    histogram(F.tcpHandshakeDuration, { direction: 'inbound' }, 20, 0.001);
    histogram(F.tcpHandshakeDuration, { direction: 'outbound' }, 5, 0.05);
    fam(F.tcpConnections, [
      [{ direction: 'inbound', port: '443', conn_state: 'SF' }, grow(20)],
      [{ direction: 'inbound', port: '8080', conn_state: 'REJ' }, grow(0.2)],
      [{ direction: 'outbound', port: '5432', conn_state: 'S0' }, grow(0.1)],
    ]);
    fam(F.tcpResets, [
      [{ direction: 'inbound', port: '443', sender: 'server', phase: 'established' }, Math.floor(this.resets)],
      [{ direction: 'outbound', port: '5432', sender: 'client', phase: 'handshake' }, grow(0.1)],
    ]);
    fam(F.tcpSynRetransmits, [[{ direction: 'outbound' }, grow(0.1)]]);
    fam(F.tlsHandshakes, [
      [{ version: '1.3', cipher: 'TLS_AES_128_GCM_SHA256' }, grow(10)],
      [{ version: '1.0', cipher: 'TLS_RSA_WITH_RC4_128_SHA' }, grow(0.1)],
    ]);
    histogram(F.tlsHandshakeDuration, { version: '1.3' }, 10, 0.005);
    fam(F.tlsAlerts, [[{ level: 'fatal', description: 'handshake_failure' }, grow(0.1)]]);
    fam(F.capturePackets, [[{}, grow(500)]]);
    fam(F.captureDropped, [[{ where: 'kernel' }, 0], [{ where: 'interface' }, 0]]);
    fam(F.trackedConnections, [[{}, 42]]);
    fam(F.evictedConnections, [[{}, 0]]);
    fam(F.skippedPackets, [[{ reason: 'truncated' }, 0]]);
    fam(F.foldedLabelValues, [[{ label: 'port' }, 0]]);
    fam(F.agentStartTime, [[{}, Math.floor(this.start)]]);
    fam(HUB_AGENT_FAMILIES.agentUp, [[{}, 1]]);
    fam(HUB_AGENT_FAMILIES.agentLastSeen, [[{}, now / 1000]]);
    fam(HUB_AGENT_FAMILIES.agentInfo, [[{ version: '0.1.0', hostname: 'e2e-host' }, 1]]);
    const H = HUB_FAMILIES;
    fam(H.connectedAgents, [[{}, 1]], false);
    fam(H.knownAgents, [[{}, 1]], false);
    fam(H.messagesAccepted, [[{ type: 'snapshot' }, grow(0.2)]], false);
    fam(H.messagesIgnored, [[{}, 0]], false);
    fam(H.rejected, [[{ reason: 'bad_token' }, 0]], false);
    fam(H.scrapeDuration, [[{}, 0.002]], false);
    fam(H.scrapeBytes, [[{}, 12345]], false);
    fam(H.scrapeSeries, [[{}, 40]], false);
    return `${lines.join('\n')}\n`;
  }
}

function listen(handler: (req: IncomingMessage, body: string) => [number, string]): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const [status, text] = handler(req, body);
        res.writeHead(status, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      });
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
  });
}

interface Notification { path: string; body: { receiver: string; status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] } }

// Prometheus and Alertmanager are system dependencies (Debian: prometheus, prometheus-alertmanager): missing, the test fails.
describe('RST-spike alert delivery (real Prometheus and Alertmanager)', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'shakewatch-alerts-'));
  const fake = new FakeHub();
  const notifications: Notification[] = [];
  let hub: { server: Server; url: string };
  let webhook: { server: Server; url: string };
  let am: ChildProcess | undefined;
  let amLogs = '';
  let prom: PrometheusServer | undefined;

  beforeAll(async () => {
    hub = await listen((req) => (req.url === '/metrics' ? [200, fake.text()] : [404, 'not found\n']));
    webhook = await listen((req, body) => {
      notifications.push({ path: req.url ?? '', body: JSON.parse(body) });
      return [200, 'ok\n'];
    });
    /** Where Prometheus scrapes the hub: a real hub's address replaces this one later. */
    const HUB_METRICS_URL = process.env.SHAKEWATCH_E2E_HUB_METRICS_URL ?? `${hub.url}/metrics`;
    const hubTarget = new URL(HUB_METRICS_URL).host;

    // Alertmanager: the real routing file, its webhook base URL and waits shortened.
    const amConfig = readFileSync(join(DEPLOY, 'alertmanager/alertmanager.yml'), 'utf8')
      .replace(/http:\/\/127\.0\.0\.1:5001/g, webhook.url)
      .replace(/group_wait: \S+/g, 'group_wait: 1s').replace(/group_interval: \S+/g, 'group_interval: 2s');
    expect(amConfig).toContain(webhook.url);
    writeFileSync(join(dir, 'alertmanager.yml'), amConfig);
    const amPort = await freePort();
    am = spawn('prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    am.stderr!.on('data', (d) => (amLogs += d));
    await eventually(`Alertmanager ready (${amLogs.slice(-300)})`, async () => ((await fetch(`http://127.0.0.1:${amPort}/-/ready`).catch(() => null))?.ok ? true : undefined), 30_000);

    // Prometheus: the real rules with shortened windows.
    writeFileSync(join(dir, 'shakewatch.rules.yml'), shortenedRules(readFileSync(join(DEPLOY, 'prometheus/shakewatch.rules.yml'), 'utf8')));
    prom = await startPrometheus([hubTarget], { ruleFiles: [join(dir, 'shakewatch.rules.yml')], alertmanager: `127.0.0.1:${amPort}` });
    await prom.targetsUp();
  });

  afterAll(async () => {
    await prom?.stop();
    if (am && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => hub?.server.close(r));
    await new Promise((r) => webhook?.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the shortened rules keep the real file\'s groups, rules and expressions otherwise', () => {
    const real = parse(readFileSync(join(DEPLOY, 'prometheus/shakewatch.rules.yml'), 'utf8')) as { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] };
    const short = parse(readFileSync(join(dir, 'shakewatch.rules.yml'), 'utf8')) as typeof real;
    const names = (g: typeof real) => g.groups.flatMap((x) => x.rules.map((r) => r.alert ?? r.record));
    expect(names(short)).toEqual(names(real));
    const strip = (e: string) => e.replace(/\[[0-9]+[smh]\]|offset [0-9]+[smh]/g, '');
    expect(short.groups.flatMap((g) => g.rules.map((r) => strip(r.expr)))).toEqual(real.groups.flatMap((g) => g.rules.map((r) => strip(r.expr))));
  });

  it('a steady low reset rate raises nothing; a spike goes pending, fires and reaches the webhook with its labels and annotations', async () => {
    const alerts = async () => {
      const r = (await (await fetch(`${prom!.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      return r.data.alerts.filter((a) => a.labels.alertname === 'ShakewatchResetSpike');
    };
    // The baseline exists (the shortened "hour before", offset by the "5 minutes") ...
    await eventually('a reset baseline in Prometheus', async () =>
      ((await prom!.query(`avg_over_time(agent_direction:shakewatch_tcp_resets:rate5m{agent="${AGENT}"}[30s] offset 10s)`)).length > 0 ? true : undefined), 60_000);
    // ... and the flat rate alerts nothing.
    expect(await alerts()).toEqual([]);
    expect(notifications.filter((n) => n.body.alerts.some((a) => a.labels.alertname === 'ShakewatchResetSpike'))).toEqual([]);

    fake.resetsPerSecond = SPIKE_RESETS_PER_SECOND;
    const states: string[] = [];
    await eventually('ShakewatchResetSpike firing in Prometheus', async () => {
      for (const a of await alerts()) if (!states.includes(a.state)) states.push(a.state);
      return states.includes('firing') ? true : undefined;
    }, 40_000, 200);
    expect(states).toEqual(['pending', 'firing']);

    const delivered = await eventually('the RST-spike notification at the webhook', () =>
      notifications.find((n) => n.body.status === 'firing' && n.body.alerts.some((a) => a.labels.alertname === 'ShakewatchResetSpike')), 30_000);
    // Routed by severity to the paging receiver, grouped by alert and agent.
    expect(delivered.path).toBe('/shakewatch/page');
    expect(delivered.body.receiver).toBe('shakewatch-page');
    expect(delivered.body.groupLabels).toEqual({ alertname: 'ShakewatchResetSpike', agent: AGENT });
    const alert = delivered.body.alerts.find((a) => a.labels.alertname === 'ShakewatchResetSpike')!;
    expect(alert.status).toBe('firing');
    expect(alert.labels).toEqual({ alertname: 'ShakewatchResetSpike', agent: AGENT, direction: 'inbound', severity: 'critical' });
    expect(alert.annotations.summary).toBe(`TCP reset spike on ${AGENT} (inbound)`);
    expect(alert.annotations.description).toMatch(new RegExp(`^${AGENT} sees [0-9.]+ resets/s on inbound connections`));
    expect(alert.annotations.runbook_url).toMatch(/deploy\/README\.md#shakewatchresetspike$/);
  });

  it('every dashboard query returns data from that Prometheus, and the agent variable resolves to the agent that is up', async () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/shakewatch.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const empty: string[] = [];
    for (const p of dashboard.panels) {
      for (const t of p.targets ?? []) {
        const r = await prom!.query(substitute(t.expr, '10s', '30s'));
        if (r.length === 0) empty.push(`${p.title}: ${t.expr}`);
      }
    }
    expect(empty).toEqual([]);
    // label_values(shakewatch_agent_up, agent): what Grafana asks Prometheus for.
    const r = (await (await fetch(`${prom!.url}/api/v1/label/agent/values?match[]=shakewatch_agent_up`)).json()) as { data: string[] };
    expect(r.data).toEqual([AGENT]);
  });
});
