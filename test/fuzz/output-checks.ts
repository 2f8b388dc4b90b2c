/**
 * What every run of the agent CLI on any input must look like, as pure functions of its
 * output: each returns the problems it sees (empty: fine), so the fuzz spec can report
 * them all at once and output-checks.spec.ts can prove each check bites.
 */

export interface CliRun {
  /** What ran, after `node` (the agent's path first), for the report. */
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout or stderr went past the cap and was cut. */
  outputCapped?: boolean;
  ms: number;
}

export type Command = 'inspect-text' | 'inspect-ndjson' | 'run';

/**
 * `@timestamp` as the README promises it: RFC 3339 in UTC with nanoseconds and a
 * four-digit year, a real calendar date, inside what a capture clock can say
 * (1970-01-01 up to, not including, 2106-02-07T06:28:16Z).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{9}Z$/;
const FIRST_IMPOSSIBLE = Date.UTC(2106, 1, 7, 6, 28, 16);

export function timestampProblem(value: unknown): string | null {
  if (typeof value !== 'string') return `@timestamp is not a string: ${JSON.stringify(value)}`;
  const m = ISO.exec(value);
  if (m === null) return `@timestamp is not RFC 3339 with nanoseconds: ${JSON.stringify(value)}`;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return `@timestamp is not a real date and time: ${JSON.stringify(value)}`;
  }
  if (ms < 0 || ms >= FIRST_IMPOSSIBLE) return `@timestamp outside 1970..2106-02-07T06:28:16Z (such packets are skipped as bad_timestamp): ${JSON.stringify(value)}`;
  return null;
}

const PROM_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const PROM_LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*")*)?\\}`;
const PROM_VALUE = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?Inf|NaN)';
const PROM_SAMPLE = new RegExp(`^(${PROM_NAME})(${PROM_LABELS})? (${PROM_VALUE})(?: -?\\d+)?$`);
const PROM_COMMENT = new RegExp(`^# (?:HELP ${PROM_NAME} .*|TYPE ${PROM_NAME} (?:counter|gauge|histogram|summary|untyped))$`);

/** Prometheus text exposition: every line a sample, a HELP/TYPE comment, or empty; counts never negative. */
export function prometheusProblems(stdout: string): string[] {
  const problems: string[] = [];
  const lines = stdout.split('\n');
  if (stdout.length > 0 && !stdout.endsWith('\n')) problems.push('metrics output does not end with a newline');
  for (const [i, line] of lines.entries()) {
    if (line === '' || PROM_COMMENT.test(line)) continue;
    if (line.startsWith('#')) {
      problems.push(`metrics line ${i + 1} is a malformed comment: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    const m = PROM_SAMPLE.exec(line);
    if (m === null) {
      problems.push(`metrics line ${i + 1} is not "name{labels} value": ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    const [, name, , value] = m;
    const v = Number(value.replace(/Inf$/, 'Infinity'));
    if (/_(total|count|bucket)$/.test(name) && !(Number.isInteger(v) && v >= 0)) problems.push(`metrics line ${i + 1}: a count that is not a whole number >= 0: ${line.slice(0, 200)}`);
    if (/_seconds_sum$/.test(name) && !(v >= 0)) problems.push(`metrics line ${i + 1}: a negative or NaN duration sum: ${line.slice(0, 200)}`);
  }
  return problems;
}

/** A stack trace or a fault of our own, in anything the CLI wrote to stderr. */
export function crashProblems(stderr: string): string[] {
  const problems: string[] = [];
  if (/^\s+at /m.test(stderr)) problems.push('stack trace on stderr');
  if (/internal decoder fault/i.test(stderr)) problems.push('internal decoder fault');
  if (/^\s*(?:Uncaught )?[A-Z]\w*Error(?: \[\w+\])?: /m.test(stderr)) problems.push('an uncaught JavaScript error on stderr');
  if (/FATAL ERROR|Allocation failed|heap out of memory|Maximum call stack size exceeded|node:internal/.test(stderr)) problems.push('a Node.js fatal error on stderr');
  if (/"stack":/.test(stderr)) problems.push('a logged stack trace ("stack") on stderr');
  return problems;
}

/** The run itself: it ended, by itself, with 0 or 1, and said nothing more than the contract allows on stderr. */
export function runProblems(command: Command, r: CliRun): string[] {
  const problems: string[] = [];
  if (r.timedOut) problems.push(`hang: no exit within ${Math.round(r.ms / 1000)} s (killed)`);
  else if (r.signal !== null) problems.push(`killed by ${r.signal}`);
  else if (r.code !== 0 && r.code !== 1) problems.push(`exit code ${r.code} (only 0 or 1 are allowed)`);
  if (r.outputCapped) problems.push('output grew past the cap');
  problems.push(...crashProblems(r.stderr));
  const lines = r.stderr.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
  if (command === 'run') {
    // pino JSON lines only; at --log-level warn a clean replay says nothing.
    for (const l of lines) {
      let entry: unknown;
      try {
        entry = JSON.parse(l);
      } catch {
        problems.push(`run wrote a stderr line that is not a JSON log: ${JSON.stringify(l.slice(0, 200))}`);
        continue;
      }
      if (typeof entry !== 'object' || entry === null || typeof (entry as { level?: unknown }).level !== 'number' || typeof (entry as { msg?: unknown }).msg !== 'string') {
        problems.push(`run wrote a log line without level and msg: ${l.slice(0, 200)}`);
      }
    }
    if (r.code === 1) {
      if (lines.length !== 1) problems.push(`exit 1 with ${lines.length} stderr lines (one clear line expected)`);
      else if (!/^\{.*"level":50,.*"msg":"(?:cannot start|source failed, final snapshot flushed): [^"]+"/.test(lines[0])) {
        problems.push(`exit 1 without the one error log line ("cannot start: ..." or "source failed, final snapshot flushed: ..."): ${lines[0].slice(0, 300)}`);
      }
    }
    if (r.code === 0 && lines.length > 0) problems.push(`exit 0 with log lines at warn or above: ${lines[0].slice(0, 300)}`);
  } else {
    if (r.code === 1) {
      if (lines.length !== 1) problems.push(`exit 1 with ${lines.length} stderr lines (one clear line expected)`);
      else if (!/^shakewatch: \S.*\S$/.test(lines[0])) problems.push(`exit 1 without one "shakewatch: ..." line: ${JSON.stringify(lines[0].slice(0, 300))}`);
    }
    if (r.code === 0 && r.stderr !== '') problems.push(`exit 0 with stderr: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  }
  return problems;
}

/** inspect --format ndjson: one JSON object a line, @timestamp (when there) ISO, a duration never negative. */
export function ndjsonProblems(stdout: string): string[] {
  const problems: string[] = [];
  if (stdout.length > 0 && !stdout.endsWith('\n')) problems.push('ndjson output does not end with a newline');
  for (const [i, line] of stdout.split('\n').entries()) {
    if (line === '') continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line);
    } catch {
      problems.push(`ndjson line ${i + 1} is not JSON: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      problems.push(`ndjson line ${i + 1} is not an object`);
      continue;
    }
    // Absent when the first packet's time is unknown (README: "a field is absent when unknown").
    const ts = '@timestamp' in e ? timestampProblem(e['@timestamp']) : null;
    if (ts !== null) problems.push(`ndjson line ${i + 1}: ${ts}`);
    const duration = (e.event as Record<string, unknown> | undefined)?.duration;
    if (duration !== undefined && !(typeof duration === 'number' && Number.isInteger(duration) && duration >= 0)) {
      problems.push(`ndjson line ${i + 1}: event.duration ${JSON.stringify(duration)} is not whole nanoseconds >= 0`);
    }
  }
  return problems;
}

/** inspect --format text: each connection's "started" time is ISO, its duration not negative. */
export function textProblems(stdout: string): string[] {
  const problems: string[] = [];
  for (const m of stdout.matchAll(/^ {2}started (at no valid time|\S+), \d+ packets?, duration (\S+) s/gm)) {
    const ts = m[1] === 'at no valid time' ? null : timestampProblem(m[1]);
    if (ts !== null) problems.push(`text ladder: ${ts}`);
    if (!/^\d+(\.\d+)?$/.test(m[2])) problems.push(`text ladder: duration ${m[2]} is not a number >= 0`);
  }
  return problems;
}

/** Sum of one family's samples in the last snapshot printed (later samples of a series replace earlier ones). */
function lastValues(metrics: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    const m = PROM_SAMPLE.exec(line);
    if (m !== null) out.set(m[1] + (m[2] ?? ''), Number(m[3]));
  }
  return out;
}

function familySum(values: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [series, v] of values) if (series === name || series.startsWith(`${name}{`)) sum += v;
  return sum;
}

/**
 * The three commands read the same file with the same decoder: they must agree on whether
 * it is damaged (exit 1) and why, and on what it held.
 */
export function agreementProblems(text: CliRun, ndjson: CliRun, run: CliRun): string[] {
  const problems: string[] = [];
  if ([text, ndjson, run].some((r) => r.timedOut || r.signal !== null || (r.code !== 0 && r.code !== 1))) return problems;
  if (text.code !== ndjson.code) problems.push(`inspect text exits ${text.code}, inspect ndjson ${ndjson.code}`);
  if (ndjson.code !== run.code) problems.push(`inspect ndjson exits ${ndjson.code}, run --read ${run.code}: they disagree on whether the file is damaged`);
  if (text.code === 1 && ndjson.code === 1 && text.stderr !== ndjson.stderr) problems.push(`inspect text and ndjson give different errors: ${JSON.stringify(text.stderr)} vs ${JSON.stringify(ndjson.stderr)}`);
  const inspectError = /^shakewatch: (.*)$/m.exec(ndjson.stderr)?.[1];
  const runError = /"msg":"(?:cannot start|source failed, final snapshot flushed): ((?:[^"\\]|\\.)*)"/.exec(run.stderr)?.[1];
  if (ndjson.code === 1 && run.code === 1 && inspectError !== undefined && runError !== undefined && JSON.parse(`"${runError}"`) !== inspectError) {
    problems.push(`inspect and run --read give different errors: ${JSON.stringify(inspectError)} vs ${JSON.stringify(JSON.parse(`"${runError}"`))}`);
  }
  const events = ndjson.stdout.split('\n').filter((l) => l !== '').length;
  const summary = /^summary: (\d+) packets, \d+ TCP, (\d+) connections/m.exec(text.stdout);
  if (summary !== null && Number(summary[2]) !== events) problems.push(`inspect text counts ${summary[2]} connections, ndjson prints ${events}`);
  if (run.stdout !== '') {
    const values = lastValues(run.stdout);
    const connections = familySum(values, 'shakewatch_tcp_connections_total');
    if (connections !== events) problems.push(`run --read counts ${connections} connections (shakewatch_tcp_connections_total), inspect ndjson prints ${events}`);
    const packets = familySum(values, 'shakewatch_capture_packets_total');
    if (summary !== null && packets !== Number(summary[1])) problems.push(`run --read counts ${packets} packets, inspect text ${summary[1]}`);
  } else if (run.code === 0) {
    problems.push('run --read --print-metrics exited 0 without printing a snapshot');
  }
  return problems;
}
