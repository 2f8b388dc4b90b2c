import { connectionEventJson, type Connection } from '@shakewatch/decoder';

/** One connection as an ndjson line (no newline): `JSON.stringify(connectionEvent(c))`, written directly. */
export function eventLine(c: Connection): string {
  return connectionEventJson(c);
}
