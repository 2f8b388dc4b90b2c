import { CliError } from './cli-error';

/** The exit code of a failed command, its one line printed on stderr (commander's own errors are program.ts's). */
export function exitCodeOf(e: unknown): number {
  if (e instanceof CliError) {
    if (e.logged) return e.exitCode;
    process.stderr.write(`shakewatch: ${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`shakewatch: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
  return 70;
}
