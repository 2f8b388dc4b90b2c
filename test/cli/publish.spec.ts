import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_FAMILIES, AGENT_ID_HEADER, checkSnapshot, DEFAULT_LIMITS, HelloSchema, PROTOCOL_VERSION, SnapshotSchema, SUBPROTOCOL, type Hello, type Snapshot } from '@shakewatch/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { AGENT, FIXTURES } from '../support/agent-cli';
import { samples } from '../support/prometheus-text';

// The agent's hub publisher against a small real WebSocket server written here, which
// speaks the protocol (welcome, ack) and can refuse the upgrade, close, or stop acking.
// (The real hub's end-to-end suites are in test/hub and test/fleet.)
jest.setTimeout(60_000);

const TOKEN = 'tok-7f3c9a1e-SECRET-d00d';
const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-publish-'));
const tokenFile = join(tmp, 'agent.token');
writeFileSync(tokenFile, `${TOKEN}\n`);

interface HubBehaviour {
  /** Refuse the upgrade with this HTTP status. */
  refuse?: number;
  /** After the hello: close with this code and reason instead of welcoming. */
  closeAfterHello?: [number, string];
  /** Acknowledge snapshots (default true); a function decides per snapshot. */
  ack?: boolean | ((s: Snapshot) => boolean);
}

interface Received {
  headers: IncomingMessage['headers'];
  protocol: string;
  hello?: Hello;
  snapshots: Snapshot[];
  closed?: { code: number; reason: string };
}

/** A hub that speaks just enough of the protocol, recording what it got per connection. */
class TestHub {
  readonly connections: Received[] = [];
  private constructor(private readonly wss: WebSocketServer, public behaviour: HubBehaviour) {}

  static start(behaviour: HubBehaviour = {}): Promise<TestHub> {
    return new Promise((resolve) => {
      const wss: WebSocketServer = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
        verifyClient: (_info, cb) => (hub.behaviour.refuse ? cb(false, hub.behaviour.refuse, 'refused') : cb(true)),
      }, () => {
        void hub.url; // known from now on, also after close()
        resolve(hub);
      });
      const hub = new TestHub(wss, behaviour);
      wss.on('connection', (ws: WebSocket, req: IncomingMessage) => hub.accept(ws, req));
    });
  }

  private port = 0;

  get url(): string {
    this.port ||= (this.wss.address() as { port: number }).port;
    return `ws://127.0.0.1:${this.port}/ingest`;
  }

  get snapshots(): Snapshot[] {
    return this.connections.flatMap((c) => c.snapshots);
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const r: Received = { headers: req.headers, protocol: ws.protocol, snapshots: [] };
    this.connections.push(r);
    ws.on('close', (code, reason) => (r.closed = { code, reason: reason.toString() }));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'hello') {
        r.hello = m;
        if (this.behaviour.closeAfterHello) ws.close(...this.behaviour.closeAfterHello);
        else ws.send(JSON.stringify({ type: 'welcome', protocol: PROTOCOL_VERSION, hubId: `test-hub-${this.port}`, lastSeq: 0 }));
      } else if (m.type === 'snapshot') {
        r.snapshots.push(m);
        const ack = this.behaviour.ack ?? true;
        if (typeof ack === 'function' ? ack(m) : ack) ws.send(JSON.stringify({ type: 'ack', seq: m.seq }));
      }
    });
  }

  async until(what: string, test: () => boolean, timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((r) => this.wss.close(() => r()));
  }
}

/** tcp-syn-unanswered.pcap with its last packet moved 10 minutes later: at recorded speed, the agent runs until stopped. */
function longReplay(): string {
  const path = join(tmp, 'long.pcap');
  const b = readFileSync(join(FIXTURES, 'tcp-syn-unanswered.pcap'));
  const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  let o = 24;
  let last = -1;
  while (o + 16 <= b.length) {
    last = o;
    o += 16 + u32(o + 8);
  }
  const ts = u32(last) + 600;
  if (le) b.writeUInt32LE(ts, last);
  else b.writeUInt32BE(ts, last);
  writeFileSync(path, b);
  return path;
}

interface AgentRun {
  child: ChildProcess;
  logs: () => string;
  stdout: () => string;
  lines: () => Record<string, unknown>[];
  exit: Promise<number | null>;
}

const allLogs: string[] = [];

function startAgent(args: string[]): AgentRun {
  const child = spawn(process.execPath, [AGENT, 'run', '--token-file', tokenFile, '--agent-id', 'pub-1', '--hub-retry-max-seconds', '1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (logs += d));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => {
    allLogs.push(logs);
    r(code);
  }));
  return { child, logs: () => logs, stdout: () => stdout, lines: () => logs.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)), exit };
}

const hubs: TestHub[] = [];
const agents: AgentRun[] = [];
const hub = async (b: HubBehaviour = {}) => {
  const h = await TestHub.start(b);
  hubs.push(h);
  return h;
};
const agentRun = (args: string[]) => {
  const a = startAgent(args);
  agents.push(a);
  return a;
};

afterEach(async () => {
  for (const a of agents.splice(0)) if (a.child.exitCode === null && a.child.signalCode === null) {
    a.child.kill('SIGKILL');
    await a.exit;
  }
  for (const h of hubs.splice(0)) await h.close();
});

const valid = (s: Snapshot) => SnapshotSchema.safeParse(s).success && checkSnapshot(s, DEFAULT_LIMITS.maxSeriesPerAgent) === null;
const connections = (s: Snapshot) => (s.families[AGENT_FAMILIES.tcpConnections.name] as [string[], number][]).reduce((a, [, v]) => a + v, 0);

describe('run --hub: the publisher', () => {
  it('says hello, then sends a snapshot at once and every interval; stops with a final snapshot on SIGTERM, acked, closes 1000, exits 0', async () => {
    const h = await hub();
    const a = agentRun(['--read', longReplay(), '--replay-speed', 'recorded', '--hub', h.url, '--interval-seconds', '0.3', '--print-metrics', '--log-level', 'info']);
    await h.until('three snapshots', () => h.snapshots.length >= 3);
    const [c] = h.connections;
    expect(c.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(c.headers[AGENT_ID_HEADER]).toBe('pub-1');
    expect(c.protocol).toBe(SUBPROTOCOL);
    expect(HelloSchema.safeParse(c.hello).success).toBe(true);
    expect(c.hello).toMatchObject({ type: 'hello', protocol: PROTOCOL_VERSION, agentId: 'pub-1', intervalSeconds: 0.3, capture: { source: 'file', interfaces: [] } });
    expect(c.hello!.capture.file).toMatch(/long\.pcap$/);
    expect(a.lines().find((l) => l.msg === 'connected to hub')).toMatchObject({ hub: h.url, level: 30 });

    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    const all = h.snapshots;
    expect(all.map((s) => s.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((s) => s.bootId === c.hello!.bootId)).toBe(true);
    expect(all.every(valid)).toBe(true);
    expect(all.slice(0, -1).every((s) => s.final === undefined)).toBe(true);
    const last = all.at(-1)!;
    expect(last.final).toBe(true);
    // the replay's SYNs, flushed at the stop, are in the final totals, and --print-metrics printed the same
    expect(connections(last)).toBe(1);
    expect(samples(a.stdout()).get('shakewatch_tcp_connections_total{agent="pub-1",direction="unknown",port="other",conn_state="S0"}')).toBe(1);
    expect(c.closed).toEqual({ code: 1000, reason: 'agent stopping' });
    // the snapshot carries no agent label: the hub adds it from the authenticated id
    expect(JSON.stringify(last.families)).not.toMatch(/pub-1/);
  });

  it('a replay that ends at once still delivers its totals: the final snapshot after the welcome', async () => {
    const h = await hub();
    const a = agentRun(['--read', join(FIXTURES, 'tcp-mixed.pcapng'), '--hub', h.url, '--log-level', 'info']);
    expect(await a.exit).toBe(0);
    expect(h.snapshots).toHaveLength(1);
    expect(h.snapshots[0]).toMatchObject({ seq: 1, final: true });
    expect(connections(h.snapshots[0])).toBe(5);
  });

  it('fails over to the next URL when the first refuses, and back when the second goes away; seq never reused', async () => {
    const first = await hub({ refuse: 503 });
    const second = await hub();
    const a = agentRun(['--read', longReplay(), '--replay-speed', 'recorded', '--hub', first.url, '--hub', second.url, '--interval-seconds', '0.3', '--log-level', 'info']);
    await second.until('snapshots on the second hub', () => second.snapshots.length >= 2);
    const refused = a.lines().find((l) => l.msg === 'hub refused the connection');
    expect(refused).toMatchObject({ hub: first.url, status: 503, level: 40 });
    expect(a.lines().some((l) => l.msg === 'retrying hub' && l.hub === second.url && typeof l.delaySeconds === 'number')).toBe(true);

    // the second hub goes away; the first now accepts
    first.behaviour = {};
    await second.close();
    hubs.splice(hubs.indexOf(second), 1);
    await first.until('snapshots on the first hub', () => first.snapshots.length >= 1);
    expect(a.lines().some((l) => l.msg === 'hub connection lost' && l.hub === second.url)).toBe(true);
    const seqs = [...second.snapshots, ...first.snapshots].map((s) => s.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(first.connections.at(-1)!.hello!.bootId).toBe(second.connections[0].hello!.bootId);
    // never welcomed before: no movedFrom; after the second hub: it names the second hub and how long ago it was lost
    expect(second.connections[0].hello!.movedFrom).toBeUndefined();
    const moved = first.connections.at(-1)!.hello!.movedFrom!;
    expect(moved.hubId).toBe(`test-hub-${new URL(second.url).port}`);
    expect(moved.secondsAgo).toBeGreaterThanOrEqual(0);
    expect(moved.secondsAgo).toBeLessThan(10);
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    expect(first.snapshots.at(-1)!.final).toBe(true);
  });

  it('a hub that stops acknowledging is given up after AGENT_ACK_TIMEOUT_INTERVALS intervals, and the agent reconnects', async () => {
    const h = await hub({ ack: (s) => s.seq < 2 });
    const a = agentRun(['--read', longReplay(), '--replay-speed', 'recorded', '--hub', h.url, '--interval-seconds', '0.3', '--log-level', 'info']);
    await h.until('a second connection', () => h.connections.length >= 2, 20_000);
    expect(a.lines().some((l) => l.msg === 'hub stopped acknowledging snapshots')).toBe(true);
    expect(a.lines().filter((l) => l.msg === 'connected to hub').length).toBeGreaterThanOrEqual(1);
    h.behaviour = {};
    await h.until('snapshots on the new connection', () => h.connections.at(-1)!.snapshots.length >= 1);
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
  });

  it('401 at the upgrade is logged as an error with the reason, and retried at the long wait while counting goes on', async () => {
    const h = await hub({ refuse: 401 });
    const a = agentRun(['--read', longReplay(), '--replay-speed', 'recorded', '--hub', h.url, '--interval-seconds', '0.3', '--print-metrics', '--log-level', 'info']);
    const end = Date.now() + 10_000;
    while (!a.lines().some((l) => l.msg === 'retrying hub') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const refused = a.lines().find((l) => l.msg === 'hub refused the connection');
    expect(refused).toMatchObject({ level: 50, hub: h.url, status: 401, reason: 'missing or unknown bearer token' });
    const retry = a.lines().find((l) => l.msg === 'retrying hub') as { delaySeconds: number };
    expect(retry.delaySeconds).toBeGreaterThanOrEqual(0.5); // the long wait: half of --hub-retry-max-seconds at least
    h.behaviour = {};
    await h.until('a snapshot once the token is accepted', () => h.snapshots.length >= 1);
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    expect(connections(h.snapshots.at(-1)!)).toBe(1);
  });

  it('a permanent close code (4401) is logged as an error with its reason', async () => {
    const h = await hub({ closeAfterHello: [4401, 'bad_schema: capture.file too long'] });
    const a = agentRun(['--read', longReplay(), '--replay-speed', 'recorded', '--hub', h.url, '--log-level', 'info']);
    const end = Date.now() + 10_000;
    while (!a.lines().some((l) => l.msg === 'hub connection lost') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(a.lines().find((l) => l.msg === 'hub connection lost')).toMatchObject({ level: 50, hub: h.url, code: 4401, reason: 'bad_schema: capture.file too long' });
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
  });

  it('an unreachable hub: the agent keeps counting, and stops in time with exit 0', async () => {
    const h = await hub();
    const url = h.url;
    await h.close();
    hubs.splice(0);
    const started = Date.now();
    const a = agentRun(['--read', join(FIXTURES, 'tcp-mixed.pcapng'), '--hub', url, '--print-metrics', '--log-level', 'info']);
    expect(await a.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(a.lines().some((l) => l.msg === 'cannot reach hub' && l.hub === url)).toBe(true);
    expect(a.lines().some((l) => l.msg === 'final snapshot not acknowledged by a hub')).toBe(true);
    expect(samples(a.stdout()).get('shakewatch_capture_packets_total{agent="pub-1"}')).toBe(36);
  });

  it('never logs the token', () => {
    expect(allLogs.length).toBeGreaterThan(3);
    for (const logs of allLogs) {
      expect(logs.length).toBeGreaterThan(0);
      expect(logs).not.toContain(TOKEN);
      expect(logs).not.toContain('SECRET');
    }
  });
});
