import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap, type Frame } from '../../libs/decoder/src/testing/capture-writer';
import { conversation, F, V4, type Segment } from '../../libs/decoder/src/testing/packet-builder';
import { agent, ndjson } from '../support/agent-cli';
import { parseSamples, sumOf } from '../support/prometheus-text';

// Issue 13, "Memory under attack", through the real CLI: the memory budget's share for
// half-open connections under a SYN flood, and an evicted connection's later segments,
// reported by `inspect` and as the agent's metrics. (Time and peak memory of the full-size
// attacks are measured by `npm run bench:attacks`, bench/README.md.)

const dir = mkdtempSync(join(tmpdir(), 'shakewatch-hostile-memory-'));
const file = (name: string, frames: Frame[]): string => {
  const path = join(dir, name);
  writeFileSync(path, writePcap(frames));
  return path;
};
const handshake = (t: number): Segment[] => [
  { from: 'c', flags: F.SYN, seq: 100, t },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: t + 0.001 },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: t + 0.002 },
];
const data = (t: number, seq: number): Segment => ({ from: 'c', flags: F.ACK | F.PSH, seq, ack: 501, payload: 10, t });
const metric = (stdout: string, name: string, labels: Record<string, string> = {}): number | undefined =>
  parseSamples(stdout).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('a SYN flood under a 16 MiB budget', () => {
  // 60,000 SYNs from as many sources: more than the half-open share (a quarter of 16 MiB,
  // ~45,000 compact entries) holds. Then one real connection.
  const flood: Frame[] = [];
  for (let i = 0; i < 60_000; i++) flood.push(...conversation({ ...V4, client: [11, (i >> 16) & 255, (i >> 8) & 255, i & 255], clientPort: 1024 + (i % 60000) }, [{ from: 'c', flags: F.SYN, seq: i, t: i * 1e-5 }]));
  const path = file('syn-flood.pcap', [...flood, ...conversation({ ...V4, clientPort: 50000 }, handshake(1))]);

  it('run --read: the oldest half-open connections go first, counted; every connection is still counted once', () => {
    const r = agent(['run', '--read', path, '--print-metrics', '--agent-id', 't', '--log-level', 'silent', '--memory-budget-mib', '16']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const shed = metric(r.stdout, 'shakewatch_agent_state_shed_total', { state: 'half_open' }) ?? 0;
    expect(shed).toBeGreaterThan(10_000);
    expect(metric(r.stdout, 'shakewatch_agent_evicted_connections_total')).toBe(shed);
    expect(metric(r.stdout, 'shakewatch_agent_state_shed_total', { state: 'connection' })).toBe(0);
    expect(sumOf(parseSamples(r.stdout), 'shakewatch_tcp_connections_total')).toBe(60_001);
    expect(metric(r.stdout, 'shakewatch_tcp_connections_total', { conn_state: 'S1' })).toBe(1);
    expect(metric(r.stdout, 'shakewatch_agent_state_memory_bytes')).toBeLessThanOrEqual(16 * 2 ** 20);
  });

  it('inspect: the same connections, the real one whole', () => {
    const r = agent(['inspect', path, '-f', 'ndjson', '--memory-budget-mib', '16']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const events = ndjson(r.stdout);
    expect(events).toHaveLength(60_001);
    expect(events.filter((e) => e.tcp.history === 'ShA')).toHaveLength(1);
  });
});

describe('an evicted connection\'s later segments', () => {
  // 300 connections with their handshakes first, then 5 data segments each, round-robin:
  // with --max-connections 10, most are evicted before their data comes.
  const frames: Frame[] = [];
  for (let i = 0; i < 300; i++) frames.push(...conversation({ ...V4, clientPort: 41000 + i }, handshake(i * 0.001)));
  for (let k = 0; k < 5; k++) for (let i = 0; i < 300; i++) frames.push(...conversation({ ...V4, clientPort: 41000 + i }, [data(1 + k + i * 0.001, 101 + 10 * k)]));
  const path = file('evicted.pcap', frames);

  it('inspect: one event per connection, not one per later segment; the summary says what was ignored', () => {
    // Before: every later segment of an evicted connection opened a connection of its own (1,790 events).
    const r = agent(['inspect', path, '-f', 'ndjson', '--max-connections', '10']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(ndjson(r.stdout)).toHaveLength(300);
    const text = agent(['inspect', path, '--max-connections', '10']);
    expect(text.stdout).toContain('290 evicted, 1450 segments of evicted connections ignored');
  });

  it('run --read: counted as shakewatch_agent_evicted_segments_total', () => {
    const r = agent(['run', '--read', path, '--print-metrics', '--agent-id', 't', '--log-level', 'silent', '--max-connections', '10']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(metric(r.stdout, 'shakewatch_agent_evicted_segments_total')).toBe(1450);
    expect(sumOf(parseSamples(r.stdout), 'shakewatch_tcp_connections_total')).toBe(300);
  });
});

describe('--memory-budget-mib', () => {
  it('refuses a budget too small to hold anything, with one clear line', () => {
    const run = agent(['run', '--read', '/dev/null', '--memory-budget-mib', '1']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/invalid configuration \(1 problem\): memoryBudgetMiB: Too small/);
    const inspect = agent(['inspect', '/dev/null', '--memory-budget-mib', 'lots']);
    expect(inspect.status).not.toBe(0);
    expect(inspect.stderr).toMatch(/--memory-budget-mib must be a whole number/);
  });
});
