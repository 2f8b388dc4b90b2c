import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { startAgent, type AgentProcess } from '../support/agent-process';
import { eventually, makeTokens, startHub, type HubProcess, type TokenSet } from '../support/hub-process';
import { canCaptureLive } from '../support/netns';
import { curlArgs, makeNetnsPeer, PORTS, startServers, type Kind, type NetnsPeer } from '../support/netns-peer';
import { HANDOVER_SECONDS, havePrometheus, startPrometheus, type PrometheusServer } from '../support/prometheus-server';
import { startTcpProxy } from '../support/tcp-proxy';

// The fleet end to end, with real parts only: agents capturing live on a veth (this
// namespace <-> one the test makes), real curl traffic both ways, real hubs, and a real
// Prometheus scraping them every second. Each fault ends with exact totals in Prometheus.
const ready = canCaptureLive() && havePrometheus();
if (!ready) throw new Error('fleet-live.spec needs root (network namespaces, live capture) and prometheus (bash scripts/install-system-deps.sh)');

jest.setTimeout(120_000);

const HUB_ENV = { SHAKEWATCH_HUB_GRACE_SECONDS: '30', SHAKEWATCH_HUB_HEARTBEAT_SECONDS: '1', SHAKEWATCH_HUB_HANDOVER_SECONDS: HANDOVER_SECONDS };
let peer: NetnsPeer;
let tokens: TokenSet;
let hubA: HubProcess;
let hubB: HubProcess;
let prom: PrometheusServer;
const servers: ChildProcess[] = [];
const agents: AgentProcess[] = [];

beforeAll(async () => {
  peer = makeNetnsPeer('swf', '10.97.0');
  servers.push(await startServers((cmd) => peer.spawn(cmd), peer.peerIp)); // remote servers: our connections to them are outbound
  servers.push(await startServers((cmd) => spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }), peer.hostIp)); // local ones: inbound
  tokens = makeTokens(['fleet-*']);
  hubA = await startHub(tokens.hubFile, HUB_ENV);
  hubB = await startHub(tokens.hubFile, HUB_ENV);
  prom = await startPrometheus([`127.0.0.1:${hubA.port}`, `127.0.0.1:${hubB.port}`]);
  await prom.targetsUp();
}, 90_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  await prom?.stop();
  await hubA?.kill();
  await hubB?.kill();
  for (const s of servers) s.kill('SIGKILL');
  peer?.destroy();
});

/** An agent capturing the host end of the veth, only the ports given, publishing to `hubs`. */
async function agent(id: string, hubs: string[], ports: number[]): Promise<AgentProcess> {
  const filter = `tcp and (${ports.map((p) => `port ${p}`).join(' or ')})`;
  const a = startAgent(['-i', peer.hostIf, '--filter', filter, ...hubs.flatMap((h) => ['--hub', h]), '--token-file', tokens.tokenFile('fleet-*'), '--agent-id', id, '--interval-seconds', '1', '--log-level', 'info']);
  agents.push(a);
  await a.waitFor(/"msg":"capturing"/);
  await a.waitFor(/"msg":"connected to hub"/);
  return a;
}

/** Real connections: outbound from here to the namespace's servers, inbound from the namespace to ours. */
function traffic(kind: Kind, n: number, direction: 'outbound' | 'inbound' = 'outbound'): void {
  for (let i = 0; i < n; i++) {
    const args = curlArgs(kind, direction === 'outbound' ? peer.peerIp : peer.hostIp);
    const r = direction === 'outbound' ? spawnSync(args[0], args.slice(1), { timeout: 10_000 }) : peer.exec(args, { timeout: 10_000 });
    const failed = kind === 'refused' || kind === 'reset';
    if ((r.status === 0) === failed) throw new Error(`curl ${kind} ${direction}: status ${r.status}`);
  }
}

/** Prometheus' current sum of an expression, waited for until it equals `want` (fails with the last value). */
async function promEquals(expr: string, want: number, timeoutMs = 30_000): Promise<void> {
  let last: number | undefined;
  await eventually(`${expr} == ${want} (last ${last})`, async () => {
    const r = await prom.query(expr);
    last = r.length === 0 ? undefined : r.reduce((a, s) => a + s.value, 0);
    return last === want ? true : undefined;
  }, timeoutMs).catch((e) => {
    throw new Error(`${(e as Error).message}; Prometheus last said ${last}`);
  });
}

const connections = (agentId: string) => `sum(shakewatch_tcp_connections_total{agent="${agentId}"})`;

it('live traffic both ways reaches Prometheus with the right direction and port', async () => {
  const a = await agent('fleet-live', [hubA.url], [PORTS.http, PORTS.https, PORTS.reset, PORTS.refused]);
  traffic('http', 3);
  traffic('tls12', 1);
  traffic('tls13', 1);
  traffic('refused', 1);
  traffic('reset', 1);
  traffic('http', 2, 'inbound');
  await promEquals(connections('fleet-live'), 9);
  /** `sum by (labels)` as { 'value value': n }, the values in the order the labels are given. */
  const by = async (labels: string[], expr: string) => Object.fromEntries((await prom.query(`sum by (${labels.join(', ')}) (${expr})`)).map((s) => [labels.map((l) => s.metric[l]).join(' '), s.value]));
  expect(await by(['direction', 'port'], 'shakewatch_tcp_connections_total{agent="fleet-live"}')).toEqual({
    'outbound 8080': 3, 'outbound 8443': 2, 'outbound 8081': 1, 'outbound other': 1, 'inbound 8080': 2,
  });
  const resets = await by(['direction', 'port', 'sender', 'phase'], 'shakewatch_tcp_resets_total{agent="fleet-live"}');
  expect(resets).toMatchObject({
    'outbound other server handshake': 1, // refused: a port that never answered a handshake gets no label of its own
    'outbound 8081 server established': 1, // the server that resets after reading the request
  });
  // the only other resets are TLS teardowns on 8443 (a side closing with the peer's close_notify unread resets, before or after its FIN)
  const others = Object.keys(resets).filter((k) => !['outbound other server handshake', 'outbound 8081 server established'].includes(k));
  expect(others.filter((k) => !/^outbound 8443 (client|server) (established|closing)$/.test(k))).toEqual([]);
  expect(await by(['conn_state'], 'shakewatch_tcp_connections_total{agent="fleet-live",port="other"}')).toEqual({ REJ: 1 });
  expect(await by(['direction'], 'shakewatch_tcp_handshake_duration_seconds_count{agent="fleet-live"}')).toEqual({ outbound: 6, inbound: 2 });
  expect(await by(['version'], 'shakewatch_tls_handshakes_total{agent="fleet-live"}')).toEqual({ '1.2': 1, '1.3': 1 });
  expect((await prom.query('shakewatch_agent_up{agent="fleet-live"}')).map((s) => [s.metric.instance, s.value])).toEqual([[`127.0.0.1:${hubA.port}`, 1]]);
  expect(await a.stop()).toBe(0);
});

it('a hub killed and restarted: the agent keeps counting and reconnects, nothing lost', async () => {
  const a = await agent('fleet-hubkill', [hubA.url], [PORTS.http]);
  traffic('http', 4);
  await promEquals(connections('fleet-hubkill'), 4);
  const port = hubA.port;
  await hubA.kill();
  traffic('http', 3); // counted while no hub is there
  hubA = await startHub(tokens.hubFile, HUB_ENV, port);
  await promEquals(connections('fleet-hubkill'), 7, 60_000);
  expect(await a.stop()).toBe(0);
});

it('an agent killed and restarted: a counter reset Prometheus understands, no negative rate', async () => {
  const a = await agent('fleet-agentkill', [hubA.url], [PORTS.http]);
  traffic('http', 3);
  await promEquals(connections('fleet-agentkill'), 3);
  await a.kill();
  const b = await agent('fleet-agentkill', [hubA.url], [PORTS.http]);
  traffic('http', 2);
  await promEquals(connections('fleet-agentkill'), 2);
  // before (3, seen above) + after (2) = what was made; the restart shows as a new start time
  await promEquals('changes(shakewatch_agent_start_time_seconds{agent="fleet-agentkill"}[2m])', 1);
  // Prometheus reads the drop from 3 to 2 of the same series as one counter reset, so
  // increase() and rate() stay positive (a gauge, or a hub adding boots up, would not)
  await promEquals('sum(resets(shakewatch_tcp_connections_total{agent="fleet-agentkill"}[2m]))', 1);
  const increase = await prom.query('sum(increase(shakewatch_tcp_connections_total{agent="fleet-agentkill"}[2m]))');
  expect(increase[0].value).toBeGreaterThan(0);
  expect(await b.stop()).toBe(0);
});

it('the agent\'s connection cut (packets silently dropped) then restored: exact totals', async () => {
  const proxy = await startTcpProxy(hubA.port);
  const a = await agent('fleet-cut', [`ws://127.0.0.1:${proxy.port}/ingest`], [PORTS.http]);
  traffic('http', 2);
  await promEquals(connections('fleet-cut'), 2);
  proxy.blackhole();
  traffic('http', 3);
  // the hub stops showing an agent it no longer hears from (before the agent can have moved elsewhere)
  await promEquals('sum(shakewatch_agent_up{agent="fleet-cut"})', 0);
  proxy.restore();
  await promEquals(connections('fleet-cut'), 5, 60_000);
  expect(a.logs()).toMatch(/"msg":"hub connection lost"/);
  expect(await a.stop()).toBe(0);
  await proxy.close();
});

it('two hubs, one killed mid-run: its agents fail over, and the fleet sum is never more than the traffic', async () => {
  const start = Date.now() / 1000;
  const a1 = await agent('fleet-fo-1', [hubA.url, hubB.url], [PORTS.http]);
  const a2 = await agent('fleet-fo-2', [hubA.url, hubB.url], [PORTS.https]);
  traffic('http', 3);
  traffic('tls13', 2);
  const fleet = 'sum(sum without(instance) (shakewatch_tcp_connections_total{agent=~"fleet-fo-.*"}))';
  await promEquals(fleet, 5);
  expect((await prom.query(`count(shakewatch_agent_up{agent=~"fleet-fo-.*",instance="127.0.0.1:${hubA.port}"} == 1)`))[0]?.value).toBe(2);
  await hubA.kill();
  traffic('http', 2);
  traffic('tls13', 1);
  await promEquals(`count(shakewatch_agent_up{agent=~"fleet-fo-.*",instance="127.0.0.1:${hubB.port}"} == 1)`, 2, 60_000);
  await promEquals(fleet, 8);
  await new Promise((r) => setTimeout(r, 2000)); // a range query's steps end up to a step before its end
  const series = await prom.queryRange(fleet, start, Date.now() / 1000, 1);
  expect(series[0].values).toContain(8);
  // never more: never counted by both hubs. Prometheus keeps hub A's last scrape until its
  // next scrape of A fails, so B held the moved agents back for the handover.
  expect(Math.max(...series[0].values)).toBe(8);
  for (const id of ['fleet-fo-1', 'fleet-fo-2']) expect(hubB.logs()).toMatch(new RegExp(`"agent":"${id}".*"movedFrom":"[^"]+:${hubA.port}","hiddenSeconds":[0-9.]+.*"msg":"agent connected"`));
  expect(await a1.stop()).toBe(0);
  expect(await a2.stop()).toBe(0);
});
