import { runCommand } from './cli-runner';
import { agreementProblems, crashProblems, ndjsonProblems, prometheusProblems, runProblems, textProblems, timestampProblem, type CliRun } from './output-checks';

// The fuzz spec is only as good as its checks: each is fed output it must reject (and
// output it must accept), so a check that silently passes everything fails here.

const run = (over: Partial<CliRun>): CliRun => ({ args: ['main.js'], code: 0, signal: null, timedOut: false, stdout: '', stderr: '', ms: 50, ...over });
const event = (ts: string, duration: number) => JSON.stringify({ '@timestamp': ts, event: { duration, reason: 'capture-end' }, tcp: { conn_state: 'SF' } });

const GOOD_EVENT = event('2026-11-21T17:46:12.470062000Z', 41000);
const GOOD_METRICS = [
  '# HELP shakewatch_tcp_connections_total TCP connections ended, by direction, server port and Zeek conn_state.',
  '# TYPE shakewatch_tcp_connections_total counter',
  'shakewatch_tcp_connections_total{agent="fuzz",direction="unknown",port="8080",conn_state="SF"} 1',
  'shakewatch_tcp_handshake_duration_seconds_bucket{agent="fuzz",direction="unknown",le="+Inf"} 1',
  'shakewatch_tcp_handshake_duration_seconds_sum{agent="fuzz",direction="unknown"} 0.000131',
  'shakewatch_capture_packets_total{agent="fuzz"} 10',
  '',
].join('\n');
const GOOD_TEXT = 'connection 1  10.77.0.1:42358 -> 10.77.0.2:8081  conn_state REJ  history Sr\n  started 2026-11-21T17:46:12.470062000Z, 2 packets, duration 0.000041 s, client sent the SYN\n\nsummary: 10 packets, 10 TCP, 1 connections\n';
const DAMAGED = 'shakewatch: cut.pcap: pcap file ends inside record 30 (52 stray bytes): truncated capture (after 29 good packets)\n';
const RUN_DAMAGED = '{"level":50,"time":1,"agent":"fuzz","packets":29,"connections":3,"evicted":0,"msg":"source failed, final snapshot flushed: cut.pcap: pcap file ends inside record 30 (52 stray bytes): truncated capture (after 29 good packets)"}\n';
const STACK = "TypeError: Cannot read properties of undefined (reading 'length')\n    at PcapFormat.parse (/work/main/dist/apps/agent/main.js:1:2)\n    at FileSource.run (/work/main/dist/apps/agent/main.js:3:4)\n";

describe('output checks accept good output', () => {
  it('of a clean and of a damaged capture', () => {
    expect(runProblems('inspect-ndjson', run({ stdout: `${GOOD_EVENT}\n` }))).toEqual([]);
    expect(ndjsonProblems(`${GOOD_EVENT}\n`)).toEqual([]);
    expect(textProblems(GOOD_TEXT)).toEqual([]);
    // A time that is not known is left out, not made up (README: a field is absent when unknown).
    expect(ndjsonProblems(`${JSON.stringify({ event: { duration: 0 } })}\n`)).toEqual([]);
    expect(textProblems(GOOD_TEXT.replace('2026-11-21T17:46:12.470062000Z', 'at no valid time'))).toEqual([]);
    expect(prometheusProblems(GOOD_METRICS)).toEqual([]);
    expect(runProblems('inspect-text', run({ code: 1, stderr: DAMAGED }))).toEqual([]);
    expect(runProblems('run', run({ code: 1, stderr: RUN_DAMAGED, stdout: GOOD_METRICS }))).toEqual([]);
    const clean = agreementProblems(run({ stdout: GOOD_TEXT }), run({ stdout: `${GOOD_EVENT}\n` }), run({ stdout: GOOD_METRICS }));
    expect(clean).toEqual([]);
    const damaged = agreementProblems(run({ code: 1, stderr: DAMAGED, stdout: GOOD_TEXT }), run({ code: 1, stderr: DAMAGED, stdout: `${GOOD_EVENT}\n` }), run({ code: 1, stderr: RUN_DAMAGED, stdout: GOOD_METRICS }));
    expect(damaged).toEqual([]);
  });
});

describe('output checks report known-bad output', () => {
  it('a stack trace, an uncaught error, an internal decoder fault', () => {
    expect(runProblems('inspect-text', run({ code: 1, stderr: STACK }))).toEqual(expect.arrayContaining(['stack trace on stderr', 'an uncaught JavaScript error on stderr', 'exit 1 with 3 stderr lines (one clear line expected)']));
    expect(runProblems('run', run({ code: 1, stderr: STACK }))).toContain('stack trace on stderr');
    expect(runProblems('inspect-ndjson', run({ code: 1, stderr: 'shakewatch: x.pcap: internal decoder fault: Invalid time value (after 3 good packets)\n' }))).toEqual(['internal decoder fault']);
    expect(crashProblems('{"level":50,"err":{"type":"Error","message":"boom","stack":"Error: boom\\n    at x"},"msg":"boom"}')).toContain('a logged stack trace ("stack") on stderr');
    expect(crashProblems('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory')).toContain('a Node.js fatal error on stderr');
  });

  it('impossible @timestamp values', () => {
    expect(ndjsonProblems(`${event('-001142-01-06T08:00.484660000Z', 0)}\n`)).toEqual([expect.stringMatching(/@timestamp is not RFC 3339/)]);
    expect(ndjsonProblems(`${event('2026-11-21T17:46:30.4000000000000Z', 0)}\n`)).toEqual([expect.stringMatching(/@timestamp is not RFC 3339/)]);
    expect(timestampProblem('+275760-09-13T00:00:00.000000000Z')).toMatch(/not RFC 3339/);
    expect(timestampProblem('2026-02-30T00:00:00.000000000Z')).toMatch(/not a real date/);
    expect(timestampProblem('1969-12-31T23:59:59.999999999Z')).toMatch(/outside 1970/);
    expect(timestampProblem('2106-02-07T06:28:16.000000000Z')).toMatch(/outside 1970/);
    expect(timestampProblem('2106-02-07T06:28:15.999999999Z')).toBeNull();
    expect(timestampProblem(undefined)).toMatch(/not a string/);
    expect(textProblems(GOOD_TEXT.replace('2026-11-21T17:46:12.470062000Z', '-001142-01-06T08:00.484660000Z'))).toEqual([expect.stringMatching(/not RFC 3339/)]);
    expect(textProblems(GOOD_TEXT.replace('duration 0.000041 s', 'duration -0.5 s'))).toEqual([expect.stringMatching(/duration -0.5/)]);
  });

  it('ndjson that is not JSON, a negative or fractional duration', () => {
    expect(ndjsonProblems('{"@timestamp": \n')).toEqual([expect.stringMatching(/not JSON/)]);
    expect(ndjsonProblems(`${event('2026-11-21T17:46:12.470062000Z', -2.5e18)}\n`)).toEqual([expect.stringMatching(/event.duration -2500000000000000000 is not whole nanoseconds >= 0/)]);
    expect(ndjsonProblems(`${event('2026-11-21T17:46:12.470062000Z', 0.5)}\n`)).toHaveLength(1);
    expect(ndjsonProblems(GOOD_EVENT)).toEqual(['ndjson output does not end with a newline']);
  });

  it('a two-line error with exit 1, an error that is not the one clear line, stderr with exit 0', () => {
    expect(runProblems('inspect-ndjson', run({ code: 1, stderr: `${DAMAGED}shakewatch: and another thing\n` }))).toEqual(['exit 1 with 2 stderr lines (one clear line expected)']);
    expect(runProblems('inspect-text', run({ code: 1, stderr: '' }))).toEqual(['exit 1 with 0 stderr lines (one clear line expected)']);
    expect(runProblems('inspect-text', run({ code: 1, stderr: 'Error: something\n' }))).toEqual(expect.arrayContaining([expect.stringMatching(/without one "shakewatch: \.\.\." line/)]));
    expect(runProblems('inspect-text', run({ code: 0, stderr: 'warning\n' }))).toEqual([expect.stringMatching(/exit 0 with stderr/)]);
    expect(runProblems('run', run({ code: 1, stderr: `${RUN_DAMAGED}${RUN_DAMAGED}` }))).toEqual(['exit 1 with 2 stderr lines (one clear line expected)']);
    expect(runProblems('run', run({ code: 1, stderr: 'oops\n' }))).toEqual(expect.arrayContaining([expect.stringMatching(/not a JSON log/)]));
    expect(runProblems('run', run({ code: 1, stderr: '{"level":40,"msg":"something odd"}\n' }))).toEqual([expect.stringMatching(/without the one error log line/)]);
    expect(runProblems('run', run({ code: 0, stderr: '{"level":40,"msg":"something odd"}\n' }))).toEqual([expect.stringMatching(/exit 0 with log lines/)]);
  });

  it('exit codes other than 0 and 1, a signal, a hang', () => {
    expect(runProblems('inspect-text', run({ code: 134, stderr: DAMAGED }))).toEqual(['exit code 134 (only 0 or 1 are allowed)']);
    expect(runProblems('run', run({ code: 2 }))).toEqual(['exit code 2 (only 0 or 1 are allowed)']);
    expect(runProblems('inspect-text', run({ code: null, signal: 'SIGSEGV' }))).toEqual(['killed by SIGSEGV']);
    expect(runProblems('inspect-text', run({ code: null, signal: 'SIGKILL', timedOut: true, ms: 15_000 }))).toEqual(['hang: no exit within 15 s (killed)']);
    expect(runProblems('inspect-text', run({ outputCapped: true }))).toEqual(['output grew past the cap']);
  });

  it('a process that hangs is killed at its deadline and reported', async () => {
    const r = await runCommand(['-e', 'setInterval(() => {}, 1000)'], 500);
    expect(r.timedOut).toBe(true);
    expect(r.ms).toBeLessThan(10_000);
    expect(runProblems('run', r)).toEqual([expect.stringMatching(/^hang: no exit within/)]);
  });

  it('malformed Prometheus text, negative counts', () => {
    expect(prometheusProblems('shakewatch_x{agent="fuzz"} abc\n')).toEqual([expect.stringMatching(/not "name\{labels\} value"/)]);
    expect(prometheusProblems('shakewatch_x 1 2 3\n')).toHaveLength(1);
    expect(prometheusProblems('shakewatch_x{agent="fu"zz"} 1\n')).toHaveLength(1);
    expect(prometheusProblems('shakewatch_x{agent="fuzz"}\n')).toHaveLength(1);
    expect(prometheusProblems('#HELP x\n')).toEqual([expect.stringMatching(/malformed comment/)]);
    expect(prometheusProblems('shakewatch_tcp_resets_total{agent="fuzz"} -1\n')).toEqual([expect.stringMatching(/whole number >= 0/)]);
    expect(prometheusProblems('shakewatch_tcp_handshake_duration_seconds_sum{agent="fuzz"} -0.5\n')).toEqual([expect.stringMatching(/negative or NaN duration sum/)]);
    expect(prometheusProblems('shakewatch_x 1')).toEqual(['metrics output does not end with a newline']);
  });

  it('inspect and run --read disagreeing', () => {
    const damagedEvents = run({ code: 1, stderr: DAMAGED, stdout: `${GOOD_EVENT}\n` });
    expect(agreementProblems(run({ code: 1, stderr: DAMAGED, stdout: GOOD_TEXT }), damagedEvents, run({ code: 0, stdout: GOOD_METRICS }))).toEqual([expect.stringMatching(/inspect ndjson exits 1, run --read 0/)]);
    expect(agreementProblems(run({ stdout: GOOD_TEXT }), run({ stdout: `${GOOD_EVENT}\n` }), run({ code: 1, stderr: RUN_DAMAGED, stdout: GOOD_METRICS }))).toEqual([expect.stringMatching(/they disagree on whether the file is damaged/)]);
    expect(agreementProblems(run({ code: 0, stdout: GOOD_TEXT }), damagedEvents, run({ code: 1, stderr: RUN_DAMAGED, stdout: GOOD_METRICS }))).toEqual([expect.stringMatching(/inspect text exits 0, inspect ndjson 1/)]);
    expect(agreementProblems(run({ code: 1, stderr: DAMAGED, stdout: GOOD_TEXT }), damagedEvents, run({ code: 1, stderr: RUN_DAMAGED.replace('record 30', 'record 31'), stdout: GOOD_METRICS }))).toEqual([
      expect.stringMatching(/inspect and run --read give different errors/),
    ]);
    expect(agreementProblems(run({ stdout: GOOD_TEXT }), run({ stdout: `${GOOD_EVENT}\n${GOOD_EVENT}\n` }), run({ stdout: GOOD_METRICS }))).toEqual([
      'inspect text counts 1 connections, ndjson prints 2',
      'run --read counts 1 connections (shakewatch_tcp_connections_total), inspect ndjson prints 2',
    ]);
    expect(agreementProblems(run({ stdout: GOOD_TEXT }), run({ stdout: `${GOOD_EVENT}\n` }), run({ stdout: '' }))).toEqual(['run --read --print-metrics exited 0 without printing a snapshot']);
  });
});
