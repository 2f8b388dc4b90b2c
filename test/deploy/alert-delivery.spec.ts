// The RST-spike alert and the dashboard, end to end with real parts only: a real agent
// captures live on the host end of a veth (this namespace <-> one the test makes) and
// publishes every second to a real hub; a real Prometheus (1 s scrape and evaluation)
// loads deploy/prometheus/shakewatch.rules.yml (its windows shortened) and scrapes that
// hub; a real Alertmanager routes with deploy/alertmanager/alertmanager.yml (webhook URL and
// waits shortened) to a webhook receiver this test runs.
//
// The traffic is real connections on the veth:
// - inbound (clients in the namespace, servers here): a steady low rate of resets (every
//   other connection to a closed port, refused; the others to a server that reads the
//   request and aborts with a RST), then a burst of the same. The RST-spike alert must go
//   pending, then firing, and be delivered to the paging receiver naming the agent.
// - outbound (clients here, servers in the namespace), a round every few seconds for the
//   dashboard's panels: curl over TLS 1.2 and 1.3; openssl s_client negotiating TLS 1.0
//   (legacy) and a NULL cipher (weak: the weakest thing this openssl 3 still has, no 3DES
//   or RC4) with an openssl s_server; s_client offering TLS 1.0 to a Node server that
//   refuses it (a protocol_version alert); and a SYN to an address whose answers the
//   namespace routes to a blackhole (unanswered: S0, with SYN retransmits). Keeping the
//   panel traffic outbound keeps its resets (curl's TLS teardowns) out of the inbound
//   rate the alert is expected on.
// Then every dashboard query (variables substituted) runs against that Prometheus and
// must return a number, and the agent variable resolves to the agent that is up.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startAgent, type AgentProcess } from '../support/agent-process';
import { eventually, makeTokens, startHub, type HubProcess } from '../support/hub-process';
import { canCaptureLive } from '../support/netns';
import { curlArgs, makeNetnsPeer, PORTS, startServers, type NetnsPeer } from '../support/netns-peer';
import { freePort, havePrometheus, startPrometheus, type PrometheusServer } from '../support/prometheus-server';
import { substitute } from './promql-check';

// Root (namespaces, live capture), Prometheus and Alertmanager are system dependencies
// (Debian: prometheus, prometheus-alertmanager; bash scripts/install-system-deps.sh): missing, the test fails.
const haveAlertmanager = spawnSync('prometheus-alertmanager', ['--version']).status === 0;
if (!canCaptureLive() || !havePrometheus() || !haveAlertmanager) {
  throw new Error('alert-delivery.spec needs root (network namespaces, live capture), prometheus and prometheus-alertmanager (bash scripts/install-system-deps.sh)');
}

const DEPLOY = join(__dirname, '../../deploy');
const AGENT = 'e2e-agent';
/** This suite's namespace and subnet (no other suite uses them). */
const TAG = 'swd';
const SUBNET = '10.95.0';
/** The namespace's second address: its answers are routed to a blackhole, so SYNs to it go unanswered. */
const SILENT_IP = `${SUBNET}.3`;
const SILENT_PORT = 8090;
/** openssl s_server in the namespace, for legacy TLS and a weak cipher. */
const LEGACY_PORT = 8444;
const WEAK_CIPHER = 'ECDHE-ECDSA-NULL-SHA';
/** Inbound resets a second: well under the alert's 1/s before, far over it (and 3 times the baseline) in the burst. */
const STEADY = { perSecond: 0.4, seconds: 45 };
const BURST = { perSecond: 25, seconds: 20 };

/** The rules file with its windows shrunk to seconds; everything else as written. */
export function shortenedRules(text: string): string {
  const out = text
    .replace(/\[5m\]/g, '[10s]').replace(/\[1h\]/g, '[30s]').replace(/\[6h\]/g, '[2m]')
    .replace(/offset 5m/g, 'offset 10s').replace(/offset 1h/g, 'offset 30s')
    .replace(/^(\s+for:) \S+$/gm, '$1 3s');
  expect(out).not.toMatch(/\[(5m|1h|6h)\]|offset (5m|1h)|for: [0-9]+m/);
  return out;
}

/**
 * Connections at a fixed rate, then exit (run in the namespace): even ones to the server
 * that aborts with a RST after reading the request, odd ones to a closed port (refused).
 * Prints what each ended with.
 */
const RESET_LOAD = `
  const net = require('net');
  const [host, perSecond, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  const seen = { ECONNRESET: 0, ECONNREFUSED: 0, other: 0 };
  let done = 0;
  const one = (i) => {
    const s = net.connect(i % 2 ? ${PORTS.refused} : ${PORTS.reset}, host, () => s.write('GET / HTTP/1.0\\r\\n\\r\\n'));
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    s.on('error', (e) => { seen[e.code in seen ? e.code : 'other']++; });
    s.on('close', () => { if (++done === count) console.log(JSON.stringify(seen)); });
  };
  for (let i = 0; i < count; i++) setTimeout(() => one(i), (i * 1000) / perSecond);
`;

/** Run a client to its end (killed after `timeoutMs`): exit code and everything it printed. */
function run(child: ChildProcess, timeoutMs = 10_000): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(timer);
    resolve({ code, out });
  }));
}

const here = (cmd: string[]) => spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });

function listen(handler: (req: IncomingMessage, body: string) => [number, string]): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const [status, text] = handler(req, body);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      });
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
  });
}

interface Notification { path: string; body: { receiver: string; status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] } }

describe('RST-spike alert delivery and the dashboard (real agent, hub, Prometheus and Alertmanager)', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'shakewatch-alerts-'));
  const notifications: Notification[] = [];
  const servers: ChildProcess[] = [];
  let peer: NetnsPeer | undefined;
  let hub: HubProcess | undefined;
  let agent: AgentProcess | undefined;
  let webhook: { server: Server; url: string } | undefined;
  let am: ChildProcess | undefined;
  let amLogs = '';
  let prom: PrometheusServer | undefined;
  let rounds: Promise<void> | undefined;
  let stopRounds = false;
  const roundProblems: string[] = [];
  let roundsDone = 0;

  /** Inbound reset load from the namespace to this side's servers; resolves with what the connections ended with. */
  const resetLoad = (load: { perSecond: number; seconds: number }) =>
    run(peer!.spawn([process.execPath, join(dir, 'reset-load.js'), peer!.hostIp, String(load.perSecond), String(Math.round(load.perSecond * load.seconds))]), (load.seconds + 15) * 1000);

  /** One round of outbound traffic for the panels; returns what did not go as meant. */
  async function panelRound(): Promise<string[]> {
    const ip = peer!.peerIp;
    const sClient = (port: number, ...args: string[]) => here(['openssl', 's_client', '-brief', '-connect', `${ip}:${port}`, ...args]);
    const unanswered = new Promise<string>((resolve) => {
      const s = connect(SILENT_PORT, SILENT_IP);
      const t = setTimeout(() => { s.destroy(); resolve('no answer'); }, 2500); // SYN retransmitted at 1 s (and 3 s): S0 with retransmits
      s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
      s.on('error', (e) => { clearTimeout(t); resolve((e as NodeJS.ErrnoException).code ?? e.message); });
    });
    const [tls12, tls13, legacy, weak, refusedVersion, silent] = await Promise.all([
      run(here(curlArgs('tls12', ip))),
      run(here(curlArgs('tls13', ip))),
      run(sClient(LEGACY_PORT, '-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0')),
      run(sClient(LEGACY_PORT, '-tls1_2', '-cipher', `${WEAK_CIPHER}:@SECLEVEL=0`)),
      run(sClient(PORTS.https, '-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0')), // Node's server refuses TLS 1.0: a protocol_version alert
      unanswered,
    ]);
    const problems: string[] = [];
    if (tls12.code !== 0) problems.push(`curl TLS 1.2: exit ${tls12.code}`);
    if (tls13.code !== 0) problems.push(`curl TLS 1.3: exit ${tls13.code}`);
    if (!/Protocol version: TLSv1\n/.test(legacy.out)) problems.push(`s_client -tls1: ${legacy.out.slice(-300)}`);
    if (!new RegExp(`Protocol version: TLSv1\\.2\\nCiphersuite: ${WEAK_CIPHER}\\n`).test(weak.out)) problems.push(`s_client ${WEAK_CIPHER}: ${weak.out.slice(-300)}`);
    if (!/alert protocol version/.test(refusedVersion.out)) problems.push(`s_client -tls1 to Node: ${refusedVersion.out.slice(-300)}`);
    if (silent !== 'no answer') problems.push(`SYN to ${SILENT_IP}: ${silent}`);
    return problems;
  }

  beforeAll(async () => {
    // The namespace; its second address answers nothing (its replies go to a blackhole).
    peer = makeNetnsPeer(TAG, SUBNET);
    const ipNs = (...args: string[]) => execFileSync('ip', ['-n', peer!.ns, ...args], { stdio: 'pipe' });
    ipNs('addr', 'add', `${SILENT_IP}/24`, 'dev', `${TAG}p0`);
    ipNs('rule', 'add', 'from', SILENT_IP, 'lookup', '100');
    ipNs('route', 'add', 'blackhole', 'default', 'table', '100');

    // Servers, before the agent captures (so their readiness probes are not counted).
    servers.push(await startServers(here, peer.hostIp)); // inbound: the resetting server (the closed port is PORTS.refused)
    servers.push(await startServers((cmd) => peer!.spawn(cmd), peer.peerIp)); // outbound: HTTPS for curl and the TLS alert
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=legacy.shakewatch.test'], { stdio: 'ignore' });
    // TLS 1.0 needs security level 0 (SHA-1 signatures); "ALL", not "DEFAULT", for the NULL cipher to be added back.
    const legacy = peer.spawn(['openssl', 's_server', '-accept', `${peer.peerIp}:${LEGACY_PORT}`, '-key', join(dir, 'key.pem'), '-cert', join(dir, 'cert.pem'),
      '-cipher', `ALL:${WEAK_CIPHER}:@SECLEVEL=0`, '-no_tls1_3', '-www', '-quiet']);
    servers.push(legacy);
    await eventually('openssl s_server listening', () => new Promise<true | undefined>((resolve) => {
      const s = connect(LEGACY_PORT, peer!.peerIp, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(undefined));
    }), 10_000, 100);
    writeFileSync(join(dir, 'reset-load.js'), RESET_LOAD);

    // The hub, and the agent capturing the host end of the veth. Connections are counted
    // as they end; an unanswered one ends --syn-timeout-seconds after its last SYN (130 by
    // default), so 5 s here (the idle timeout stays the default's hour).
    const tokens = makeTokens([AGENT], dir);
    hub = await startHub(tokens.hubFile);
    agent = startAgent(['-i', peer.hostIf, '--filter', 'tcp', '--hub', hub.url, '--token-file', tokens.tokenFile(AGENT), '--agent-id', AGENT,
      '--interval-seconds', '1', '--syn-timeout-seconds', '5', '--log-level', 'info']);
    await agent.waitFor(/"msg":"capturing"/);
    await agent.waitFor(/"msg":"connected to hub"/);

    webhook = await listen((req, body) => {
      notifications.push({ path: req.url ?? '', body: JSON.parse(body) });
      return [200, 'ok\n'];
    });
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

    // Prometheus: the real rules with shortened windows, scraping the real hub.
    writeFileSync(join(dir, 'shakewatch.rules.yml'), shortenedRules(readFileSync(join(DEPLOY, 'prometheus/shakewatch.rules.yml'), 'utf8')));
    prom = await startPrometheus([`127.0.0.1:${hub.port}`], { ruleFiles: [join(dir, 'shakewatch.rules.yml')], alertmanager: `127.0.0.1:${amPort}` });
    await prom.targetsUp();

    // The panels' traffic: a first round must go as meant (else this openssl or curl cannot
    // make it), then a round every 4 s in the background (bounded) until the tests end.
    expect(await panelRound()).toEqual([]);
    roundsDone++;
    rounds = (async () => {
      for (let i = 0; i < 30 && !stopRounds; i++) {
        const started = Date.now();
        roundProblems.push(...await panelRound());
        roundsDone++;
        await new Promise((r) => setTimeout(r, Math.max(0, 4000 - (Date.now() - started))));
      }
    })();
  }, 90_000);

  afterAll(async () => {
    stopRounds = true;
    await rounds;
    await prom?.stop();
    if (am && am.exitCode === null) {
      const exited = new Promise((r) => am!.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
    await agent?.kill();
    await hub?.kill();
    for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
    peer?.destroy(); // kills what still runs in the namespace (the reset load)
    await new Promise((r) => (webhook ? webhook.server.close(r) : r(undefined)));
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

  it('a steady low reset rate raises nothing; a burst goes pending, fires and reaches the webhook with its labels and annotations', async () => {
    const alerts = async () => {
      const r = (await (await fetch(`${prom!.url}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      return r.data.alerts.filter((a) => a.labels.alertname === 'ShakewatchResetSpike');
    };
    const inbound = `agent="${AGENT}",direction="inbound"`;
    const steady = resetLoad(STEADY);
    // The steady rate is measured, and is the baseline (the shortened "hour before", offset by the "5 minutes") ...
    await eventually('a steady inbound reset baseline in Prometheus', async () =>
      ((await prom!.query(`avg_over_time(agent_direction:shakewatch_tcp_resets:rate5m{${inbound}}[30s] offset 10s) > 0`)).length > 0
        && (await prom!.query(`agent_direction:shakewatch_tcp_resets:rate5m{${inbound}} > 0`)).length > 0 ? true : undefined), 60_000, 500);
    const steadyRate = (await prom!.query(`agent_direction:shakewatch_tcp_resets:rate5m{${inbound}}`))[0].value;
    expect(steadyRate).toBeLessThan(1);
    // ... and it alerts nothing.
    expect(await alerts()).toEqual([]);
    expect(notifications.filter((n) => n.body.alerts.some((a) => a.labels.alertname === 'ShakewatchResetSpike'))).toEqual([]);

    const burst = resetLoad(BURST);
    const states: string[] = [];
    await eventually('ShakewatchResetSpike firing in Prometheus', async () => {
      for (const a of await alerts()) if (!states.includes(a.state)) states.push(a.state);
      return states.includes('firing') ? true : undefined;
    }, 45_000, 200);
    expect(states).toEqual(['pending', 'firing']);
    // Only the direction that spiked: the outbound resets (the panels' TLS teardowns) stay steady.
    expect((await alerts()).map((a) => a.labels.direction)).toEqual(['inbound']);

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

    // The burst's refused half trips the refused-connections alert too: a warning, to the ticket receiver.
    const refused = await eventually('the refused-connections notification at the webhook', () =>
      notifications.find((n) => n.body.status === 'firing' && n.body.alerts.some((a) => a.labels.alertname === 'ShakewatchRefusedConnectionsSpike')), 20_000);
    expect(refused.path).toBe('/shakewatch/ticket');
    expect(refused.body.alerts.find((a) => a.labels.alertname === 'ShakewatchRefusedConnectionsSpike')!.labels)
      .toEqual({ alertname: 'ShakewatchRefusedConnectionsSpike', agent: AGENT, direction: 'inbound', severity: 'warning' });

    // The resets were real: the refused and the aborted connections both happened.
    for (const load of [await steady, await burst]) {
      const seen = JSON.parse(load.out) as Record<string, number>;
      expect(seen.ECONNRESET).toBeGreaterThan(0);
      expect(seen.ECONNREFUSED).toBeGreaterThan(0);
    }
    const byKind = Object.fromEntries((await prom!.query(`sum by (port, sender, phase) (shakewatch_tcp_resets_total{${inbound}})`)).map((s) => [`${s.metric.port} ${s.metric.sender} ${s.metric.phase}`, s.value]));
    expect(Object.keys(byKind).sort()).toEqual([`${PORTS.reset} server established`, 'other server handshake']);
  });

  it('every dashboard query returns data from that Prometheus, and the agent variable resolves to the agent that is up', async () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/shakewatch.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[]; templating: { list: { name: string; query?: string }[] } };
    const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
    expect(targets.length).toBeGreaterThan(40);
    // Data: at least one series with a number (a quantile of an empty window is NaN: not data).
    let empty: string[] = [];
    await eventually('every dashboard query with data', async () => {
      empty = [];
      for (const t of targets) {
        const r = await prom!.query(substitute(t.expr, '10s', '30s'));
        if (!r.some((s) => Number.isFinite(s.value))) empty.push(`${t.title}: ${t.expr} -> ${JSON.stringify(r)}`);
      }
      return empty.length === 0 ? true : undefined;
    }, 20_000, 1000).catch(() => undefined);
    expect(empty).toEqual([]);
    expect(roundProblems).toEqual([]);
    expect(roundsDone).toBeGreaterThan(3);
    // The unanswered SYNs were given up --syn-timeout-seconds after their last one (not at the hour's idle timeout) and counted.
    const unanswered = await prom!.query(`sum(shakewatch_tcp_connections_total{agent="${AGENT}",conn_state="S0"})`);
    expect(unanswered[0]?.value).toBeGreaterThan(0);

    // The agent variable: label_values(shakewatch_agent_up, agent), what Grafana asks Prometheus for.
    const variable = dashboard.templating.list.find((v) => v.name === 'agent')!;
    expect(variable.query).toBe('label_values(shakewatch_agent_up, agent)');
    const r = (await (await fetch(`${prom!.url}/api/v1/label/agent/values?match[]=shakewatch_agent_up`)).json()) as { data: string[] };
    const up = (await prom!.query('max by (agent) (shakewatch_agent_up) == 1')).map((s) => s.metric.agent);
    expect(r.data).toEqual([AGENT]);
    expect(up).toEqual(r.data);
  });
});
