import { spawn, spawnSync } from 'node:child_process';
import { AGENT_FAMILIES } from '@shakewatch/protocol';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agent, AGENT, FIXTURES, ndjson } from '../support/agent-cli';
import { totalsFromInspect, totalsFromSamples } from '../support/inspect-totals';
import { parseSamples, samples, sumOf, type Sample } from '../support/prometheus-text';

const replay = (name: string, extra: string[] = []): Sample[] => {
  const r = agent(['run', '--read', join(FIXTURES, name), '--print-metrics', '--agent-id', 't', '--log-level', 'silent', ...extra]);
  expect([r.status, r.stderr]).toEqual([0, '']);
  return parseSamples(r.stdout);
};
const labelValues = (list: Sample[], name: string, label: string) => new Set(list.filter((x) => x.name === name).map((x) => x.labels[label]));

describe('run --read: replay folds connections into the metrics', () => {
  it.each(['tcp-mixed.pcapng', 'tcp-refused.pcap', 'tls-alerts.pcap', 'tls-versions.pcap', 'tls-resumption.pcap'])('%s gives exactly the counts inspect reports', (name) => {
    const got = replay(name);
    const want = totalsFromInspect(join(FIXTURES, name));
    expect(want.size).toBeGreaterThan(0);
    expect(Object.fromEntries(totalsFromSamples(got))).toEqual(Object.fromEntries(want));
    expect(sumOf(got, 'shakewatch_capture_packets_total')).toBeGreaterThan(0);
    // every series is this agent's, and a replay without --local-address knows no direction
    expect(got.every((s) => s.labels.agent === 't')).toBe(true);
    expect(new Set(got.filter((s) => 'direction' in s.labels).map((s) => s.labels.direction))).toEqual(new Set(['unknown']));
  });

  it('--local-address: connections to it are inbound, from it outbound, the rest unknown (as inspect says)', () => {
    const events = ndjson(agent(['inspect', join(FIXTURES, 'tcp-mixed.pcapng'), '-f', 'ndjson']).stdout);
    const local = '10.77.0.2';
    const want = { inbound: 0, outbound: 0, unknown: 0 };
    for (const e of events) want[e.destination.ip === local ? 'inbound' : e.source.ip === local ? 'outbound' : 'unknown']++;
    expect(want.inbound).toBeGreaterThan(0);
    const inbound = replay('tcp-mixed.pcapng', ['--local-address', local]);
    for (const d of ['inbound', 'outbound', 'unknown'] as const) expect([d, sumOf(inbound, 'shakewatch_tcp_connections_total', { direction: d })]).toEqual([d, want[d]]);
    expect(sumOf(inbound, 'shakewatch_tcp_handshake_duration_seconds_count', { direction: 'inbound' })).toBeGreaterThan(0);
    // the clients' address instead: the same connections, outbound
    const outbound = replay('tcp-mixed.pcapng', ['--local-address', '10.77.0.1']);
    const fromClient = events.filter((e) => e.source.ip === '10.77.0.1' && e.destination.ip !== '10.77.0.1').length;
    expect(fromClient).toBeGreaterThan(0);
    expect(sumOf(outbound, 'shakewatch_tcp_connections_total', { direction: 'outbound' })).toBe(fromClient);
    // the environment variable means the same
    const r = spawnSync(process.execPath, [AGENT, 'run', '--read', join(FIXTURES, 'tcp-mixed.pcapng'), '--print-metrics', '--log-level', 'silent'], { encoding: 'utf8', env: { ...process.env, SHAKEWATCH_AGENT_LOCAL_ADDRESSES: `${local},::1` } });
    expect(sumOf(r.stdout, 'shakewatch_tcp_connections_total', { direction: 'inbound' })).toBe(want.inbound);
  });

  it('port: a server port gets its own value once a handshake to it completed; refused ones stay "other", each fold counted', () => {
    const s = replay('tcp-mixed.pcapng');
    const events = ndjson(agent(['inspect', join(FIXTURES, 'tcp-mixed.pcapng'), '-f', 'ndjson']).stdout);
    const answered = new Set(events.filter((e) => e.tcp.handshake?.rtt_seconds !== undefined).map((e) => String(e.destination.port)));
    expect(labelValues(s, 'shakewatch_tcp_connections_total', 'port')).toEqual(new Set([...answered, 'other']));
    const refused = events.filter((e) => !answered.has(String(e.destination.port))).length;
    expect(refused).toBeGreaterThan(0);
    expect(sumOf(s, 'shakewatch_tcp_connections_total', { port: 'other' })).toBe(refused);
    expect(sumOf(s, 'shakewatch_agent_label_values_folded_total', { label: 'port' })).toBe(refused);
    // a refused SYN (tcp-refused.pcap) never earns its port a value
    expect(labelValues(replay('tcp-refused.pcap'), 'shakewatch_tcp_resets_total', 'port')).toEqual(new Set(['other']));
  });

  it('--ports: exactly the listed ports get a value; --max-ports caps the automatic ones', () => {
    expect(labelValues(replay('tcp-mixed.pcapng', ['--ports', '8081,9999']), 'shakewatch_tcp_connections_total', 'port')).toEqual(new Set(['8081', 'other']));
    const one = replay('tcp-mixed.pcapng', ['--max-ports', '1']);
    expect(labelValues(one, 'shakewatch_tcp_connections_total', 'port').size).toBe(2);
    const folds = (l: Sample[]) => sumOf(l, 'shakewatch_agent_label_values_folded_total', { label: 'port' });
    expect(folds(one)).toBeGreaterThan(folds(replay('tcp-mixed.pcapng')));
  });

  it('prints every family of libs/protocol, with the start time, and the agent label from --agent-id', () => {
    const r = agent(['run', '--read', join(FIXTURES, 'tls-basic.pcap'), '--print-metrics', '--agent-id', 'web-1', '--log-level', 'silent']);
    const types = [...r.stdout.matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]);
    expect(types).toEqual(Object.values(AGENT_FAMILIES).map((f) => f.name));
    const start = sumOf(r.stdout, 'shakewatch_agent_start_time_seconds', { agent: 'web-1' });
    expect(Math.abs(start - Date.now() / 1000)).toBeLessThan(60);
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
    expect(samples(stdout).get('shakewatch_tcp_connections_total{agent="s",direction="unknown",port="other",conn_state="S0"}')).toBe(1);
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
    const r = agent(['run', '--read', join(FIXTURES, 'tcp-refused.pcap'), '--buffer-mib', '8', '--snaplen', '1500', '--max-connections', '10', '--idle-timeout-seconds', '60', '--syn-timeout-seconds', '30', '--interval-seconds', '5', '--replay-speed', 'max', '--promiscuous', '--filter', 'tcp', '--agent-id', 'f', '--log-level', 'silent', '--print-metrics', '--local-address', '10.0.0.1', '--local-address', 'fe80::1', '--ports', '443,8443', '--max-ports', '4', '--hub-retry-max-seconds', '5']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('hub settings: --hub needs a token file, ws:// or wss://, and a readable, non-empty token (never quoted back)', () => {
    const empty = join(tmp, 'empty.token');
    writeFileSync(empty, '\n');
    const r = agent(['run', '--read', 'x.pcap', '--hub', 'http://127.0.0.1:1/ingest', '--hub', 'ws://127.0.0.1:1/ingest', '--ports', '0,80', '--local-address', 'not-an-ip']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^shakewatch: invalid configuration \(4 problems\): /);
    expect(r.stderr).toMatch(/hubs\.0: must be a ws:\/\/ or wss:\/\/ URL/);
    expect(r.stderr).toMatch(/tokenFile: --hub needs --token-file/);
    expect(r.stderr).toMatch(/ports\.0: /);
    expect(r.stderr).toMatch(/localAddresses\.0: not an IPv4 or IPv6 address/);
    const files = agent(['run', '--read', 'x.pcap', '--hub', 'wss://hub.example:9464/ingest', '--token-file', empty, '--hub-ca-file', join(tmp, 'none.pem')]);
    expect(files.status).toBe(2);
    expect(files.stderr.trim().split('\n')).toHaveLength(1);
    expect(files.stderr).toMatch(/tokenFile: .*empty\.token is empty/);
    expect(files.stderr).toMatch(/hubCaFile: cannot read .*none\.pem: no such file/);
    const env = spawnSync(process.execPath, [AGENT, 'run', '--read', 'x.pcap'], { encoding: 'utf8', env: { ...process.env, SHAKEWATCH_AGENT_HUBS: 'ws://a:1/ingest,ws://b:2/ingest', SHAKEWATCH_AGENT_TOKEN_FILE: join(tmp, 'missing.token') } });
    expect(env.stderr).toMatch(/^shakewatch: invalid configuration \(1 problem\): tokenFile: cannot read .*missing\.token: no such file\n$/);
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
