import { statSync } from 'node:fs';
import { CaptureAnalyzer, type AnalyzerError, type Connection } from '@shakewatch/decoder';
import { CliError, describeFileError } from '../cli/cli-error';
import { StdoutWriter } from '../cli/stdout-writer';
import { readChunks } from '../io/read-chunks';
import { eventLine } from './event-line';
import { formatLadder } from './ladder-format';

export type InspectFormat = 'text' | 'ndjson';

export interface InspectOptions {
  format: InspectFormat;
  /** Show a progress bar on stderr (default: when stderr is a terminal and the file is large). */
  progress?: boolean;
  /** Cap on connections tracked at once (ConnTracker's maxConnections). */
  maxConnections?: number;
}

const LARGE_FILE_BYTES = 16 * 1024 * 1024;

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
  const progress = (bytesRead: number, packets: number) => bar?.update(Math.floor(bytesRead / 2 ** 20), { packets });

  const print = text
    ? (c: Connection) => {
        for (const l of formatLadder(c)) out.line(l);
        out.line('');
      }
    : (c: Connection) => out.lineWith(eventLine, c);
  const analyzer = new CaptureAnalyzer(print, { recordLadder: text, summarizeTlsEarly: !text, reuseConnections: true, maxConnections: options.maxConnections });
  try {
    for await (const chunk of readChunks(path)) {
      if (!analyzer.push(chunk)) break;
      progress(analyzer.bytesRead, analyzer.packets);
      await out.flush();
    }
  } catch (e) {
    bar?.stop();
    throw describeFileError(path, e);
  }
  const error = analyzer.end();
  bar?.update(error ? Math.floor(analyzer.bytesRead / 2 ** 20) : Math.ceil(size / 2 ** 20), { packets: analyzer.packets });
  bar?.stop();
  if (text) printSummary(out, analyzer);
  await out.flush(true);
  if (error) throw captureError(path, error, analyzer.packets);
}

function captureError(path: string, error: AnalyzerError, packets: number): CliError {
  const where = error.code === 'capture.unknown_format' || error.offset === 0 ? '' : ` (after ${packets} good packets)`;
  return new CliError(`${path}: ${error.message}${where}`);
}

function printSummary(out: StdoutWriter, a: CaptureAnalyzer): void {
  const st = a.tracker.stats;
  const skipped = Object.entries(a.decoder.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  out.line(`summary: ${a.packets} packets, ${a.tcpPackets} TCP, ${st.connectionsCreated} connections` + (st.portReuses ? `, ${st.portReuses} port reuses` : '') + (st.evicted ? `, ${st.evicted} evicted` : ''));
  if (skipped.length > 0) out.line(`not TCP or not decodable: ${skipped.join(', ')}`);
}
