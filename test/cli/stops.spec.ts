import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, FIXTURES } from '../support/agent-cli';
import { withGaps } from '../support/pcap-rewrite';
import { samples } from '../support/prometheus-text';

// Stops as systemd (SIGTERM, then SIGKILL 90 s later) and a person at a terminal (Ctrl-C,
// twice) give them, against the built agent: every wait ends at once, the final snapshot
// is never cut short by a repeated signal, and nothing keeps a stopped agent alive.
jest.setTimeout(60_000);

const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-stops-'));
const SYN = join(FIXTURES, 'tcp-syn-unanswered.pcap'); // 4 packets of one connection
const gap = (name: string, seconds: number): string => {
  const f = join(tmp, name);
  withGaps(SYN, f, [0, seconds]);
  return f;
};

interface Running {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Resolves when stderr has a line matching re. */
  logged: (re: RegExp) => Promise<void>;
}

const running: ChildProcess[] = [];
afterAll(() => running.forEach((c) => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL')));

function start(args: string[], stdout: 'pipe' | number = 'pipe'): Running {
  const child = spawn(process.execPath, [AGENT, 'run', '--agent-id', 's', ...args], { stdio: ['ignore', stdout, 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  let signalledAt = 0;
  const kill = child.kill.bind(child);
  child.kill = (s?: NodeJS.Signals | number) => {
    signalledAt ||= Date.now();
    return kill(s);
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((r) => child.on('close', (code, signal) => r({ code, signal, ms: Date.now() - signalledAt })));
  const logged = (re: RegExp) => new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (re.test(err)) {
        clearInterval(t);
        resolve();
      } else if (child.exitCode !== null || child.signalCode !== null) {
        clearInterval(t);
        reject(new Error(`exited before logging ${re}: ${err}`));
      }
    }, 10);
  });
  return { child, out: () => out, err: () => err, exited, logged };
}

/**
 * Until the agent has its signal handlers, at most 10 s: a fixed wait was too short for a
 * node start on a loaded machine, and the default action killed the agent before it said a
 * word. Node catches SIGTERM and SIGINT from its start; SIGHUP only once the agent's
 * handlers (installed together) are there: its bit in /proc's SigCgt mask tells.
 */
async function handlersInstalled(child: ChildProcess): Promise<void> {
  const SIGHUP_BIT = 1n;
  for (let i = 0; i < 200; i++) {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const caught = BigInt('0x' + (/^SigCgt:\s+([0-9a-f]+)/m.exec(status)?.[1] ?? '0'));
    if ((caught & SIGHUP_BIT) !== 0n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the agent never installed its signal handlers');
}

const msgs = (stderr: string): string[] => stderr.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).msg);
const connections = (stdout: string) => samples(stdout).get('shakewatch_tcp_connections_total{agent="s",direction="unknown",port="other",conn_state="S0"}');

describe('run: every wait ends at once on SIGTERM, with the final snapshot', () => {
  it.each([60, 3600])('--replay-speed recorded in a %i s gap between packets', async (seconds) => {
    const a = start(['--read', gap(`gap-${seconds}.pcap`, seconds), '--replay-speed', 'recorded', '--print-metrics']);
    await a.logged(/agent started/);
    await new Promise((r) => setTimeout(r, 300));
    a.child.kill('SIGTERM');
    const end = await a.exited;
    expect(end.code).toBe(0);
    expect(end.ms).toBeLessThan(2000);
    expect(msgs(a.err())).toEqual(['agent started', 'stopping', 'agent stopped, final snapshot flushed']);
    expect(connections(a.out())).toBe(1);
    expect(samples(a.out()).get('shakewatch_capture_packets_total{agent="s"}')).toBe(1);
  });

  it('a 30-day gap is waited for (in pieces: no TimeoutOverflowWarning, not skipped), and SIGTERM still ends it', async () => {
    const a = start(['--read', gap('gap-30d.pcap', 30 * 86400), '--replay-speed', 'recorded', '--print-metrics']);
    await a.logged(/agent started/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(a.child.exitCode).toBeNull(); // before: the gap became 1 ms and the replay ended at once
    a.child.kill('SIGTERM');
    const end = await a.exited;
    expect(end.code).toBe(0);
    expect(a.err()).not.toMatch(/TimeoutOverflowWarning/);
    expect(samples(a.out()).get('shakewatch_capture_packets_total{agent="s"}')).toBe(1);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('--read FIFO with no writer honours %s', async (signal) => {
    const fifo = join(tmp, `fifo-${signal}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const a = start(['--read', fifo, '--print-metrics']);
    await handlersInstalled(a.child); // nothing is logged before a writer comes
    a.child.kill(signal);
    const end = await a.exited;
    expect([end.code, end.signal]).toEqual([0, null]);
    expect(end.ms).toBeLessThan(2000);
    expect(msgs(a.err())).toContain('agent stopped, final snapshot flushed');
  });

  it('--read FIFO: waits for its writer, then reads it to the end (as a file)', async () => {
    const fifo = join(tmp, 'fifo-written');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const a = start(['--read', fifo, '--print-metrics']);
    await new Promise((r) => setTimeout(r, 500));
    expect(spawnSync('sh', ['-c', `cat "${SYN}" > "${fifo}"`]).status).toBe(0);
    const end = await a.exited;
    expect(end.code).toBe(0);
    expect(connections(a.out())).toBe(1);
    expect(samples(a.out()).get('shakewatch_capture_packets_total{agent="s"}')).toBe(4);
  });

  it('stdout a pipe nobody reads: after SIGTERM the agent exits within a bounded wait, and says so', async () => {
    const fifo = join(tmp, 'stdout-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const held = openSync(fifo, 'r+'); // a reader that never reads: the pipe fills up
    try {
      const a = start(['--read', gap('gap-pipe.pcap', 3600), '--replay-speed', 'recorded', '--print-metrics', '--interval-seconds', '0.02'], held);
      await a.logged(/agent started/);
      await new Promise((r) => setTimeout(r, 2500)); // ~100 snapshots: far over the pipe's 64 KiB
      a.child.kill('SIGTERM');
      const end = await a.exited;
      expect(end.code).toBe(0);
      expect(end.ms).toBeLessThan(9000);
      expect(msgs(a.err())).toContain('stdout did not take the final snapshot (nobody reading?): exiting without it');
    } finally {
      closeSync(held);
    }
  });
});

describe('run: repeated signals, SIGHUP', () => {
  // A "hub" that accepts TCP and never answers: the agent's stop waits up to 5 s for the final ack.
  let server: Server;
  let url = '';
  const sockets: Socket[] = [];
  const tokenFile = join(tmp, 'agent.token');
  beforeAll(async () => {
    writeFileSync(tokenFile, 'tok-stops\n');
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/ingest`;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
  });
  const slowStop = () => start(['--read', gap('gap-hub.pcap', 3600), '--replay-speed', 'recorded', '--print-metrics', '--hub', url, '--token-file', tokenFile]);

  it('a second SIGTERM while flushing does not cut the flush short', async () => {
    const a = slowStop();
    await a.logged(/agent started/);
    a.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 10));
    a.child.kill('SIGTERM');
    const end = await a.exited;
    expect([end.code, end.signal]).toEqual([0, null]); // before: killed by the second one
    expect(end.ms).toBeGreaterThan(4000); // the hub's final ack was waited for
    expect(a.err()).toMatch(/already stopping: the final snapshot is being flushed/);
    expect(msgs(a.err()).at(-1)).toBe('agent stopped, final snapshot flushed');
    expect(connections(a.out())).toBe(1);
  });

  it('Ctrl-C three times forces the exit at once, saying so in one line', async () => {
    const a = slowStop();
    await a.logged(/agent started/);
    for (const _ of [1, 2, 3]) {
      a.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = await a.exited;
    expect(end.code).toBe(1);
    expect(end.ms).toBeLessThan(2000);
    const forced = a.err().split('\n').filter((l) => /forced exit/.test(l));
    expect(forced).toHaveLength(1);
    expect(JSON.parse(forced[0])).toMatchObject({ level: 50, msg: 'forced exit: SIGINT received a third time; the final snapshot may be incomplete' });
  });

  it('SIGHUP is logged and ignored; SIGTERM afterwards stops as usual', async () => {
    const a = start(['--read', gap('gap-hup.pcap', 3600), '--replay-speed', 'recorded', '--print-metrics']);
    await a.logged(/agent started/);
    a.child.kill('SIGHUP');
    await a.logged(/SIGHUP ignored/);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.child.exitCode).toBeNull();
    a.child.kill('SIGTERM');
    const end = await a.exited;
    expect(end.code).toBe(0);
    expect(connections(a.out())).toBe(1);
  });
});
