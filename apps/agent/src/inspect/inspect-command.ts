import { statSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { CaptureAnalyzer, connectionEvent, type Connection } from '@shakewatch/decoder';
import { CliError, describeFileError } from '../cli/cli-error';
import { StdoutWriter } from '../cli/stdout-writer';
import { readChunks } from '../io/read-chunks';
import { formatLadder } from './ladder-format';

export type InspectFormat = 'text' | 'ndjson';

export interface InspectOptions {
  format: InspectFormat;
  /** Show a progress bar on stderr (default: when stderr is a terminal and the file is large). */
  progress?: boolean;
}

const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

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
  const print = text
    ? (c: Connection) => {
        for (const l of formatLadder(c)) out.line(l);
        out.line('');
      }
    : (c: Connection) => out.line(JSON.stringify(connectionEvent(c)));
  const analyzer = new CaptureAnalyzer(print, { recordLadder: text, summarizeTlsEarly: !text, reuseConnections: true });

  const showProgress = options.progress ?? (process.stderr.isTTY === true && size >= PROGRESS_MIN_BYTES);
  const bar = showProgress
    ? new SingleBar({ format: 'inspect [{bar}] {percentage}% | {value}/{total} MiB | {packets} packets', stream: process.stderr, hideCursor: true, clearOnComplete: true })
    : null;
  bar?.start(Math.ceil(size / 2 ** 20), 0, { packets: 0 });

  try {
    for await (const chunk of readChunks(path)) {
      if (!analyzer.push(chunk)) break;
      bar?.update(Math.floor(analyzer.bytesRead / 2 ** 20), { packets: analyzer.packets });
      await out.flush();
    }
  } catch (e) {
    bar?.stop();
    throw describeFileError(path, e);
  }
  const error = analyzer.end();
  bar?.stop();
  if (text) printSummary(out, analyzer);
  await out.flush(true);
  if (error) {
    const where = error.code === 'capture.unknown_format' || error.offset === 0 ? '' : ` (after ${analyzer.packets} good packets)`;
    throw new CliError(`${path}: ${error.message}${where}`);
  }
}

function printSummary(out: StdoutWriter, a: CaptureAnalyzer): void {
  const st = a.tracker.stats;
  const skipped = Object.entries(a.decoder.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  out.line(`summary: ${a.packets} packets, ${a.tcpPackets} TCP, ${st.connectionsCreated} connections` + (st.portReuses ? `, ${st.portReuses} port reuses` : '') + (st.evicted ? `, ${st.evicted} evicted` : ''));
  if (skipped.length > 0) out.line(`not TCP or not decodable: ${skipped.join(', ')}`);
}
