import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AGENT } from '../support/agent-cli';
import { processControl } from '../support/process-control';
import type { CliRun } from './output-checks';

/** Output kept per stream; past it the rest is dropped and the run reported. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * A command run to its end with a deadline: killed (SIGKILL, through processControl) and
 * reported as timed out when it has not exited by then. Asynchronous, unlike
 * test/support/agent-cli's spawnSync `agent()`, so two can run at once.
 */
export function runCommand(argv: string[], timeoutMs: number): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const control = processControl(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let size = 0;
  let capped = false;
  const keep = (into: Buffer[]) => (d: Buffer) => {
    size += d.length;
    if (size > MAX_OUTPUT_BYTES) capped = true;
    else into.push(d);
  };
  child.stdout!.on('data', keep(out));
  child.stderr!.on('data', keep(err));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void control.kill();
  }, timeoutMs);
  return new Promise((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({
        args: argv,
        code,
        signal: timedOut ? null : signal,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        outputCapped: capped,
        ms: Date.now() - started,
      });
    };
    child.once('error', (e) => {
      err.push(Buffer.from(`spawn failed: ${e.message}\n`));
      done(null, null);
    });
    child.once('close', done);
  });
}

/** The built agent CLI (`node dist/apps/agent/main.js ARGS`), as runCommand runs it. */
export function runAgent(args: string[], timeoutMs: number): Promise<CliRun> {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build first`);
  return runCommand([AGENT, ...args], timeoutMs);
}

/** The command line a person can paste to run it again. */
export function commandLine(r: CliRun): string {
  return ['node', ...r.args].map((a) => (/^[\w./=@:+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
