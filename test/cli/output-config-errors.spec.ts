import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, FIXTURES } from '../support/agent-cli';
import { withGaps } from '../support/pcap-rewrite';

// What a person sees when the output cannot be written, the settings are wrong or the
// source does not open: one clear line (or one JSON error line from `run`), the documented
// exit code, never a stack trace.
jest.setTimeout(60_000);

const tmp = mkdtempSync(join(tmpdir(), 'shakewatch-errors-'));
const MIXED = join(FIXTURES, 'tcp-mixed.pcapng');
const REFUSED = join(FIXTURES, 'tcp-refused.pcap');

/** The agent with stdout on a file opened from `path` (e.g. /dev/full). */
function toFile(path: string, args: string[]) {
  const fd = openSync(path, 'w');
  try {
    return spawnSync(process.execPath, [AGENT, ...args], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 30_000 });
  } finally {
    closeSync(fd);
  }
}

/** Through bash, so stdout can be a pipe closed early; the agent's own exit status is printed last. */
function piped(args: string[], into: string) {
  const quoted = [process.execPath, AGENT, ...args].map((a) => `'${a}'`).join(' ');
  return spawnSync('bash', ['-c', `${quoted} 2>"${join(tmp, 'stderr')}" | ${into} >/dev/null; echo "\${PIPESTATUS[0]}"; cat "${join(tmp, 'stderr')}"`], { encoding: 'utf8', timeout: 30_000 });
}

describe('stdout errors', () => {
  it.each([['text'], ['ndjson']])('inspect -f %s > /dev/full: one line on stderr, exit 1', (format) => {
    const r = toFile('/dev/full', ['inspect', MIXED, '-f', format]);
    expect([r.status, r.stderr]).toEqual([1, 'shakewatch: cannot write to stdout: no space left on device\n']);
  });

  it('run --print-metrics > /dev/full: one error line, exit 1, no stack', () => {
    const r = toFile('/dev/full', ['run', '--read', MIXED, '--print-metrics']);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const errors = r.stderr.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.level >= 50);
    expect(errors).toEqual([expect.objectContaining({ msg: 'cannot write to stdout: no space left on device', code: 'ENOSPC' })]);
  });

  it('a closed pipe (| head -1) ends quietly with exit 0: inspect, and run at recorded speed', () => {
    const big = join(tmp, 'many.pcap');
    // inspect: output well past a pipe's 64 KiB, so the write after head exits fails
    const ladder = piped(['inspect', join(FIXTURES, 'tls-versions.pcap')], 'head -c 1');
    expect(ladder.stdout).toBe('0\n');
    withGaps(join(FIXTURES, 'tcp-syn-unanswered.pcap'), big, [0, 3600]);
    const run = piped(['run', '--read', big, '--replay-speed', 'recorded', '--print-metrics', '--interval-seconds', '0.05', '--log-level', 'error'], 'head -1');
    expect(run.stdout).toBe('0\n'); // before: the agent went on (or died of EPIPE)
  });
});

describe('run: one rule for settings from flags, environment and YAML', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [AGENT, 'run', '--read', REFUSED, '--log-level', 'silent', ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  const oneLine = (r: ReturnType<typeof run>, problems: number) => {
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^shakewatch: invalid configuration \\(${problems} problems?\\): `)), '']);
    return r.stderr;
  };

  it('numbers are decimal everywhere: abc, 1e9 and 0x10 are refused, each named', () => {
    expect(oneLine(run(['--snaplen', 'abc']), 1)).toMatch(/--snaplen: "abc" is not a decimal number/);
    expect(oneLine(run(['--snaplen', '1e9']), 1)).toMatch(/--snaplen: "1e9" is not a decimal number/);
    expect(oneLine(run(['--snaplen', '0x10']), 1)).toMatch(/--snaplen: "0x10" is not a decimal number/);
    expect(oneLine(run([], { SHAKEWATCH_AGENT_SNAPLEN: '0x10' }), 1)).toMatch(/SHAKEWATCH_AGENT_SNAPLEN: "0x10" is not a decimal number/);
    const yaml = join(tmp, 'hex.yaml');
    writeFileSync(yaml, 'snaplen: 0x10\nports: [443, 1e3]\n');
    const r = oneLine(run(['--config', yaml]), 2);
    expect(r).toMatch(/snaplen \(in .*hex\.yaml\): "0x10" is not a decimal number/);
    expect(r).toMatch(/ports \(in .*hex\.yaml\): "1e3" is not a decimal number/);
    expect(run(['--snaplen', '1500', '--interval-seconds', '2.5', '--ports', '443,8443']).status).toBe(0);
  });

  it('booleans are true/false/1/0/yes/no/on/off; anything else is an error, not false', () => {
    expect(oneLine(run([], { SHAKEWATCH_AGENT_PROMISCUOUS: 'maybe' }), 1)).toMatch(/SHAKEWATCH_AGENT_PROMISCUOUS: "maybe" is not true\/false\/1\/0\/yes\/no\/on\/off/);
    const yaml = join(tmp, 'bool.yaml');
    writeFileSync(yaml, 'printMetrics: sometimes\n');
    expect(oneLine(run(['--config', yaml]), 1)).toMatch(/printMetrics \(in .*bool\.yaml\): "sometimes" is not true/);
    for (const on of ['true', 'YES', 'on', '1']) expect(run([], { SHAKEWATCH_AGENT_PRINT_METRICS: on }).stdout).toMatch(/^# HELP/);
    for (const off of ['false', 'no', 'Off', '0']) expect(run([], { SHAKEWATCH_AGENT_PRINT_METRICS: off }).stdout).toBe('');
    writeFileSync(yaml, 'printMetrics: yes\npromiscuous: off\n');
    expect(run(['--config', yaml]).stdout).toMatch(/^# HELP/);
  });

  it('an unknown SHAKEWATCH_AGENT_* variable is an error, like an unknown YAML key; every problem in one line', () => {
    const yaml = join(tmp, 'unknown.yaml');
    writeFileSync(yaml, 'maxConections: 5\n');
    const r = oneLine(run(['--config', yaml, '--snaplen', 'abc', '--max-connections', '1e9'], { SHAKEWATCH_AGENT_MAX_CONECTIONS: '5', SHAKEWATCH_AGENT_PROMISCUOUS: 'maybe' }), 5);
    expect(r).toMatch(/SHAKEWATCH_AGENT_MAX_CONECTIONS: not a setting/);
    expect(r).toMatch(/maxConections/);
    expect(r).toMatch(/--snaplen: "abc"/);
    expect(r).toMatch(/--max-connections: "1e9"/);
    expect(r).toMatch(/SHAKEWATCH_AGENT_PROMISCUOUS: "maybe"/);
  });

  it('a config file is capped: --config /dev/zero is one clear error and exit 2, at once', () => {
    const t0 = Date.now();
    const r = run(['--config', '/dev/zero']);
    expect([r.status, r.stderr]).toEqual([2, 'shakewatch: config file /dev/zero is larger than 1 MiB: not a settings file\n']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('run: a source that fails to open', () => {
  it.each([
    ['an unreadable file', ['--read', join(tmp, 'missing.pcap')], /^cannot start: cannot read .*missing\.pcap: no such file$/],
    ['a file that is not a capture', ['--read', join(FIXTURES, 'MANIFEST.md')], /^cannot start: .*MANIFEST\.md: /],
    ['a bad interface', ['-i', 'nosuchif0'], /^cannot start: /],
  ])('%s: one error log line, exit 1, no snapshot and no "final snapshot flushed"', (_, args, message) => {
    const r = spawnSync(process.execPath, [AGENT, 'run', ...args, '--print-metrics'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 50, msg: expect.stringMatching(message) });
  });
});
