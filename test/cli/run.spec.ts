import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agent, AGENT, FIXTURES, ndjson } from '../support/agent-cli';
import { samples } from '../support/prometheus-text';

/** What inspect says of a file, folded the way the agent's metrics fold it. */
function expectedFromInspect(file: string): Map<string, number> {
  const m = new Map<string, number>();
  const add = (k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  for (const e of ndjson(agent(['inspect', file, '-f', 'ndjson']).stdout)) {
    add(`shakewatch_tcp_connections_total{agent="t",conn_state="${e.tcp.conn_state}"}`);
    if (e.tcp.reset_sender) add(`shakewatch_tcp_resets_total{agent="t",sender="${e.tcp.reset_sender}",phase="${e.tcp.reset_phase}"}`);
    if (e.tcp.handshake?.rtt_seconds !== undefined) add('shakewatch_tcp_handshake_duration_seconds_count{agent="t"}');
    if (e.tls?.cipher) add(`shakewatch_tls_handshakes_total{agent="t",version="${e.tls.version ?? 'unknown'}",cipher="${e.tls.cipher}"}`);
    if (e.tls?.alert) add(`shakewatch_tls_alerts_total{agent="t",level="${e.tls.alert.level}",description="${e.tls.alert.description}"}`);
  }
  return m;
}

describe('run --read: replay folds connections into the metrics', () => {
  it.each(['tcp-mixed.pcapng', 'tcp-refused.pcap', 'tls-alerts.pcap', 'tls-versions.pcap', 'tls-resumption.pcap'])('%s gives exactly the counts inspect reports', (name) => {
    const file = join(FIXTURES, name);
    const r = agent(['run', '--read', file, '--print-metrics', '--agent-id', 't', '--log-level', 'silent']);
    expect(r.status).toBe(0);
    const got = samples(r.stdout);
    const want = expectedFromInspect(file);
    expect(want.size).toBeGreaterThan(0);
    for (const [k, v] of want) expect([k, got.get(k)]).toEqual([k, v]);
    // and no connection counted that inspect did not report
    const total = (m: Map<string, number>) => [...m].filter(([k]) => k.startsWith('shakewatch_tcp_connections_total')).reduce((a, [, v]) => a + v, 0);
    expect(total(got)).toBe(total(want));
    expect(got.get('shakewatch_capture_packets_total{agent="t"}')).toBeGreaterThan(0);
  });

  it('logs JSON to stderr and nothing but metrics to stdout', () => {
    const r = agent(['run', '--read', join(FIXTURES, 'tcp-refused.pcap'), '--print-metrics', '--agent-id', 'x']);
    const logs = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(logs.map((l) => l.msg)).toEqual(['agent started', 'source ended, final snapshot flushed']);
    expect(r.stdout.split('\n').every((l) => l === '' || l.startsWith('#') || l.startsWith('shakewatch_'))).toBe(true);
  });

  it('flushes a final snapshot and exits 0 on SIGTERM', async () => {
    // tcp-syn-unanswered.pcap spans 3 s of SYN retries: at recorded speed it is still running.
    const child = spawn(process.execPath, [AGENT, 'run', '--read', join(FIXTURES, 'tcp-syn-unanswered.pcap'), '--replay-speed', 'recorded', '--print-metrics', '--agent-id', 's', '--log-level', 'info']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(stderr).toMatch(/"signal":"SIGTERM"/);
    expect(stderr).toMatch(/agent stopped, final snapshot flushed/);
    expect(samples(stdout).get('shakewatch_tcp_connections_total{agent="s",conn_state="S0"}')).toBe(1);
    expect(samples(stdout).get('shakewatch_capture_packets_total{agent="s"}')).toBeLessThan(4);
  });
});

describe('run: configuration errors are listed at once', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-run-'));

  it('names every bad setting from flags, environment and YAML', () => {
    const yaml = join(tmp, 'agent.yaml');
    writeFileSync(yaml, 'snaplen: 12\nmaxConections: 5\n');
    const r = agent(['run', '--read', 'x.pcap', '--config', yaml, '--agent-id', 'bad id!']);
    expect(r.status).toBe(2);
    const line = r.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/invalid configuration \(3 problems\)/);
    expect(line).toMatch(/snaplen/);
    expect(line).toMatch(/maxConections/);
    expect(line).toMatch(/agentId/);
  });

  it('accepts every documented flag (a flag the schema does not know would be an error)', () => {
    const r = agent(['run', '--read', join(FIXTURES, 'tcp-refused.pcap'), '--buffer-mib', '8', '--snaplen', '1500', '--max-connections', '10', '--idle-timeout-seconds', '60', '--interval-seconds', '5', '--replay-speed', 'max', '--promiscuous', '--filter', 'tcp', '--agent-id', 'f', '--log-level', 'silent', '--print-metrics']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('reports unreadable or malformed config files and capture files in one line', () => {
    expect(agent(['run', '--read', 'x.pcap', '--config', join(tmp, 'none.yaml')]).stderr).toMatch(/^shakewatch: cannot read config file .*none\.yaml: no such file\n$/);
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'a: [1,\n');
    expect(agent(['run', '--read', 'x.pcap', '--config', bad]).stderr).toMatch(/is not valid YAML/);
    const r = agent(['run', '--read', join(tmp, 'missing.pcap'), '--log-level', 'silent']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*missing\.pcap: no such file/);
  });
});
