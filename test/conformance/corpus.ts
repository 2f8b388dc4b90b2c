/**
 * The public capture corpus on disk: which captures have a tshark per-stream reference,
 * their Zeek conn.log baselines, and running our decoder over one capture.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CaptureAnalyzer, connectionEvent, type ConnectionEvent } from '@shakewatch/decoder';

export const STREAMS_SUFFIX = '.tshark.streams.tsv';
const CHUNK = 64 * 1024;

/** Capture paths (relative to the root, `/`-separated) that have a `*.tshark.streams.tsv`. */
export function listCaptures(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(STREAMS_SUFFIX)) out.push(relative(root, full.slice(0, -STREAMS_SUFFIX.length)).split('\\').join('/'));
    }
  };
  walk(root);
  return out;
}

/** `<capture>.expected.*conn.log*` beside the capture (plain logs and `.cut` extracts). */
export function zeekConnLogs(root: string, capture: string): string[] {
  const dir = join(root, capture, '..');
  const base = capture.split('/').pop() as string;
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${base}.expected.`) && /conn\.log/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

export function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

export interface OurDecode {
  events: ConnectionEvent[];
  error: string | null;
}

/** Runs the decoder library over a capture, fed in chunks as the agent would. */
export function decodeCapture(path: string): OurDecode {
  const events: ConnectionEvent[] = [];
  const analyzer = new CaptureAnalyzer((c) => events.push(connectionEvent(c)));
  const bytes = readFileSync(path);
  for (let o = 0; o < bytes.length; o += CHUNK) {
    if (!analyzer.push(bytes.subarray(o, Math.min(bytes.length, o + CHUNK)))) break;
  }
  const err = analyzer.end();
  return { events, error: err === null ? null : `${err.code} at byte ${err.offset}: ${err.message}` };
}
