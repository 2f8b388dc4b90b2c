// Test-only helpers: the project's own recorded captures (test/fixtures/captures).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader } from '../capture/capture-reader';
import { frameBytes, type RawPacket } from '../capture/raw-packet';
import type { CaptureError } from '../errors';
import { CaptureAnalyzer, type CaptureAnalyzerOptions } from '../capture-analyzer';
import type { Connection } from '../tcp/connection';

export const FIXTURES_DIR = join(__dirname, '../../../../test/fixtures/captures');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, name)));
}

export interface ReadResult {
  /** Each packet's frame copied into its own bytes (`offset` 0). */
  packets: RawPacket[];
  error: CaptureError | null;
}

/** Read a whole capture held in memory, pushing it in chunks of `chunk` bytes. */
export function readCapture(bytes: Uint8Array, chunk = bytes.length || 1): ReadResult {
  const packets: ReadResult['packets'] = [];
  const reader = new CaptureReader((p: RawPacket) => packets.push({ ...p, data: frameBytes(p).slice(), offset: 0 }));
  for (let o = 0; o < bytes.length; o += chunk) if (!reader.push(bytes.subarray(o, o + chunk))) break;
  return { packets, error: reader.end() };
}

/** Analyse a capture held in memory; returns the connections in creation order. */
export function analyze(bytes: Uint8Array, options: CaptureAnalyzerOptions = {}): { connections: Connection[]; analyzer: CaptureAnalyzer } {
  const connections: Connection[] = [];
  const analyzer = new CaptureAnalyzer((c) => connections.push(c), options);
  analyzer.push(bytes);
  analyzer.end();
  connections.sort((a, b) => a.id - b.id);
  return { connections, analyzer };
}
