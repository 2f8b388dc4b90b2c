// inspect's common command lines, read without commander (issue 12 section 2): loading
// commander and declaring the three commands is 10-20 ms of a run that may last 0.3 s.
// Anything this does not recognise exactly (help, the caps, an unknown or misspelled flag,
// a bad --format, `--`, a second file) goes to commander in program.ts as before, so every
// message and exit code stays commander's.
import type { InspectFormat, InspectOptions } from './inspect-command';

export interface SimpleInspect {
  file: string;
  options: InspectOptions;
}

const FORMATS: readonly string[] = ['text', 'ndjson'];

/**
 * `inspect FILE [--format|-f text|ndjson] [--format=…] [--progress|--no-progress]`, in any
 * order (the last of a repeated flag wins, as with commander), given argv after `inspect`;
 * null for anything else.
 */
export function simpleInspectArgs(args: readonly string[]): SimpleInspect | null {
  let file: string | undefined;
  let format: InspectFormat = 'text';
  let progress: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let value: string | undefined;
    if (a === '--format' || a === '-f') value = args[++i];
    else if (a.startsWith('--format=')) value = a.slice('--format='.length);
    else if (a === '--progress') progress = true;
    else if (a === '--no-progress') progress = false;
    else if (a.length > 0 && !a.startsWith('-') && file === undefined) file = a;
    else return null;
    if (value !== undefined || a === '--format' || a === '-f' || a.startsWith('--format=')) {
      if (value === undefined || !FORMATS.includes(value)) return null;
      format = value as InspectFormat;
    }
  }
  if (file === undefined) return null;
  return { file, options: { format, progress, maxConnections: undefined, memoryBudgetMiB: undefined } };
}
