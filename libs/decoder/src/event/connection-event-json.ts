import type { Connection } from '../tcp/connection';
import { writeConnectionEvent } from './connection-event-bytes';
import { JsonByteWriter } from './json-byte-writer';

/**
 * JSON.stringify(connectionEvent(c)), character for character, as a string: the bytes
 * writeConnectionEvent() writes, decoded. For callers that want text; a stream of events
 * is better written as bytes (writeConnectionEvent into the output's own buffer).
 */
export function connectionEventJson(c: Connection): string {
  // Made on first use: a program that never asks for text has only its output's writers.
  scratch ??= new JsonByteWriter();
  scratch.pos = 0;
  writeConnectionEvent(c, scratch);
  return decoder.decode(scratch.buf.subarray(0, scratch.pos));
}

let scratch: JsonByteWriter | undefined;
const decoder = new TextDecoder();
