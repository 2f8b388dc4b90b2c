import { spawn, type ChildProcess } from 'node:child_process';
import { AGENT } from './agent-cli';
import { waitForLine } from './netns';
import { processControl, type ProcessControl } from './process-control';

export interface AgentProcess extends ProcessControl {
  child: ChildProcess;
  logs: () => string;
  stdout: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** `run` the built agent as a real process (here, in the root namespace). */
export function startAgent(args: string[]): AgentProcess {
  const child = spawn(process.execPath, [AGENT, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (logs += d));
  const control = processControl(child);
  return {
    child,
    logs: () => logs,
    stdout: () => stdout,
    waitFor: (pattern, timeoutMs = 20_000) => {
      const seen = logs.split('\n').find((l) => pattern.test(l));
      return seen !== undefined ? Promise.resolve(seen) : waitForLine(child, pattern, timeoutMs);
    },
    ...control,
  };
}
