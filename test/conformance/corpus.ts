/**
 * The public capture corpus on disk: which captures have a tshark per-stream reference,
 * their Zeek conn.log baselines, and running our decoder over one capture.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { CaptureAnalyzer, connectionEvent, type ConnectionEvent, type TlsSession } from '@shakewatch/decoder';

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
  return expected(root, capture, (rest) => /conn\.log/.test(rest));
}

/** Zeek ssl.log baselines beside the capture: `*ssl*.log` (ssl-out, ssl-all...) and `.ssl.cut`. */
export function zeekSslLogs(root: string, capture: string): string[] {
  return expected(root, capture, (rest) => (rest.startsWith('zeek.') || rest.startsWith('ja4-zeek.')) && /(^|\.)ssl[^.]*\.(log|cut)$/.test(rest));
}

/**
 * JA4 outputs for exactly this capture (not those of identical copies under other names):
 * FoxIO's python and rust, Arkime's session JSON, suricata-verify's test.yaml files (by test name).
 */
export function ja4Outputs(root: string, capture: string): { python: string | null; rust: string | null; arkime: string | null; suricata: [string, string][] } {
  const path = join(root, capture);
  const suricata = expected(root, capture, (rest) => /^suricata\..*\.yaml$/.test(rest)).map((f): [string, string] => [
    basename(f).replace(/^.*\.expected\.suricata\./, '').replace(/\.test\.yaml$|\.yaml$/, ''),
    readFileSync(f, 'utf8'),
  ]);
  return {
    python: readText(`${path}.expected.ja4-python.json`),
    rust: readText(`${path}.expected.ja4-rust.snap.yaml`),
    arkime: readText(`${path}.expected.arkime.json`),
    suricata,
  };
}

function expected(root: string, capture: string, want: (rest: string) => boolean): string[] {
  const dir = join(root, capture, '..');
  const prefix = `${capture.split('/').pop() as string}.expected.`;
  return readdirSync(dir)
    .filter((n) => n.startsWith(prefix) && want(n.slice(prefix.length)))
    .sort()
    .map((n) => join(dir, n));
}

export function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

export interface OurDecode {
  events: ConnectionEvent[];
  /** Each event's TLS session (for the raw JA3/JA4 strings, which the event does not carry). */
  sessions: (TlsSession | null)[];
  error: string | null;
}

/** Runs the decoder library over a capture, fed in chunks as the agent would. */
export function decodeCapture(path: string): OurDecode {
  const events: ConnectionEvent[] = [];
  const sessions: (TlsSession | null)[] = [];
  const analyzer = new CaptureAnalyzer((c) => {
    events.push(connectionEvent(c));
    sessions.push(c.tls);
  });
  const bytes = readFileSync(path);
  for (let o = 0; o < bytes.length; o += CHUNK) {
    if (!analyzer.push(bytes.subarray(o, Math.min(bytes.length, o + CHUNK)))) break;
  }
  const err = analyzer.end();
  return { events, sessions, error: err === null ? null : `${err.code} at byte ${err.offset}: ${err.message}` };
}
