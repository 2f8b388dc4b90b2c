import { writeConnectionEvent, type Connection, type JsonByteWriter } from '@shakewatch/decoder';

/**
 * One connection's ndjson line (no newline) into the output's buffer:
 * `JSON.stringify(connectionEvent(c))` as UTF-8, written directly (StdoutWriter#lineWith).
 */
export function eventLine(w: JsonByteWriter, c: Connection): void {
  writeConnectionEvent(c, w);
}
