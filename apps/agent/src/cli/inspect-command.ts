import { statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { Connection } from '@shakewatch/decoder';
import { FileSource } from '../capture/file-source';
import { eventLine } from '../inspect/event-line';
import { formatLadder } from '../inspect/ladder-format';
import { CaptureDamage } from '../pipeline/capture-error';
import { DecodingPipeline } from '../pipeline/decoding-pipeline';
import { describeFileError } from './cli-error';
import { StdoutWriter } from './stdout-writer';

export type InspectFormat = 'text' | 'ndjson';

export interface InspectOptions {
  format: InspectFormat;
  /** Show a progress bar on stderr (default: when stderr is a terminal and the file is large). */
  progress?: boolean;
  /** Cap on connections tracked at once (ConnTracker's maxConnections). */
  maxConnections?: number;
  /** Memory for connection and reassembly state, MiB (ConnTracker's memoryBudgetBytes). */
  memoryBudgetMiB?: number;
}

const LARGE_FILE_BYTES = 16 * 1024 * 1024;
/**
 * Captures of up to about this many packets are decoded in a second or so, and most of such
 * a run's CPU went to V8's optimizing compiler (TurboFan: 30-40% of the samples on the bench
 * captures). There TurboFan inlines less (230 bytes of bytecode per function, V8's default
 * 920): that cuts its compile work by more than the plainer code costs. Measured
 * (bench/README.md, "Against the C analyzers"): 0.56 -> 0.46 s CPU on the TLS capture (80k
 * packets), 1.05 -> 0.90 s on the mixed one (466k). Longer runs keep V8's default (the
 * small budget made runs of millions of packets 7-14% slower, and on the 2M-packet SYN flood
 * it was no faster). The count is estimated from the first chunk (its packets per byte times
 * the file's size), before the hot functions are compiled.
 */
const SHORT_RUN_PACKETS = 1_000_000;
/** Connections ended at once at the end of the file, between writes. */
const FLUSH_STEP = 10_000;

/** `inspect FILE`: decode a capture offline and print each connection as it ends. */
export async function inspectCommand(path: string, options: InspectOptions): Promise<void> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw describeFileError(path, e);
  }
  const out = new StdoutWriter();
  const text = options.format === 'text';
  const showProgress = options.progress ?? (process.stderr.isTTY === true && size >= LARGE_FILE_BYTES);
  // Loaded only when shown: cli-progress costs ~10 ms of start-up.
  const bar = showProgress
    ? new (await import('cli-progress')).SingleBar({ format: 'inspect [{bar}] {percentage}% | {value}/{total} MiB | {packets} packets', stream: process.stderr, hideCursor: true, clearOnComplete: true, noTTYOutput: options.progress === true })
    : null;
  bar?.start(Math.ceil(size / 2 ** 20), 0, { packets: 0 });

  const print = text
    ? (c: Connection) => {
        for (const l of formatLadder(c)) out.line(l);
        out.line('');
      }
    : (c: Connection) => out.lineWith(eventLine, c);
  const pipeline = new DecodingPipeline({ onConnection: print, recordLadder: text, tlsEvents: !text, maxConnections: options.maxConnections, memoryBudgetBytes: options.memoryBudgetMiB === undefined ? undefined : options.memoryBudgetMiB * 1024 * 1024 });
  let estimated = false;
  const source = new FileSource(path, {
    afterChunk: () => {
      // After the first chunk: the flag is read when TurboFan compiles, and little has been.
      if (!estimated) {
        estimated = true;
        if (source.bytesRead > 0 && (source.packets / source.bytesRead) * size <= SHORT_RUN_PACKETS) setFlagsFromString('--max-inlined-bytecode-size-cumulative=230');
      }
      bar?.update(Math.floor(source.bytesRead / 2 ** 20), { packets: source.packets });
      return out.flush();
    },
  });
  let damage: CaptureDamage | null = null;
  try {
    await source.run((raw) => pipeline.packet(raw));
  } catch (e) {
    if (!(e instanceof CaptureDamage)) {
      bar?.stop();
      throw e;
    }
    damage = e;
  }
  // Every connection, even after damage; in steps, each step's events written out before
  // the next (a million connections open at the end are ~400 MB of events).
  while (!pipeline.flushSome(FLUSH_STEP)) await out.flush();
  bar?.update(damage ? Math.floor(source.bytesRead / 2 ** 20) : Math.ceil(size / 2 ** 20), { packets: source.packets });
  bar?.stop();
  if (text) printSummary(out, source.packets, pipeline);
  await out.flush(true);
  if (damage) throw damage;
}

function printSummary(out: StdoutWriter, packets: number, p: DecodingPipeline): void {
  const st = p.tracker.stats;
  const skipped = Object.entries(p.decoder.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  const shed = st.shedOutOfOrder + st.shedConnections;
  out.line(
    `summary: ${packets} packets, ${p.tcpPackets} TCP, ${st.connectionsCreated} connections` +
      (st.portReuses ? `, ${st.portReuses} port reuses` : '') +
      (st.evicted ? `, ${st.evicted} evicted` : '') +
      (st.evictedSegments ? `, ${st.evictedSegments} segments of evicted connections ignored` : '') +
      (shed ? `, memory budget reached: ${st.shedOutOfOrder} out-of-order buffers and ${st.shedConnections} connections let go` : ''),
  );
  if (skipped.length > 0) out.line(`not TCP or not decodable: ${skipped.join(', ')}`);
}
