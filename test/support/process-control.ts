import type { ChildProcess } from 'node:child_process';

export interface ProcessControl {
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, and wait for it to be gone. */
  kill(): Promise<void>;
}

/** Stop or kill a child the test started (either is a no-op once it has exited). */
export function processControl(child: ChildProcess): ProcessControl {
  const exited = child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    stop: async () => {
      if (running()) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}
