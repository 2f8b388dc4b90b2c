import { u16be, u32be } from '../bytes';
import type { TcpOptions } from '../decoded-packet';

const EOL = 0;
const NOP = 1;
const MSS = 2;
const WINDOW_SCALE = 3;
const SACK_PERMITTED = 4;
const SACK = 5;
const TIMESTAMP = 8;

/**
 * Parse TCP options in b[start, end) into `o` (reset first). Never reads past `captured`
 * (the snaplen may cut the header before `end`): options past it are left unknown and
 * `o.truncated` is set; only an option running past the header itself is malformed.
 */
export function decodeTcpOptions(b: Uint8Array, start: number, end: number, o: TcpOptions, captured = end): void {
  o.mss = -1;
  o.windowScale = -1;
  o.sackPermitted = false;
  o.sackBlocks = 0;
  o.hasTimestamp = false;
  o.tsVal = 0;
  o.tsEcr = 0;
  o.malformed = false;
  o.truncated = captured < end;
  // The block on nearly every segment after the handshake (Linux): NOP, NOP, timestamps.
  if (end - start === 12 && captured >= end && b[start] === NOP && b[start + 1] === NOP && b[start + 2] === TIMESTAMP && b[start + 3] === 10) {
    o.hasTimestamp = true;
    o.tsVal = u32be(b, start + 4);
    o.tsEcr = u32be(b, start + 8);
    return;
  }
  let i = start;
  while (i < captured) {
    const kind = b[i];
    if (kind === EOL) return;
    if (kind === NOP) {
      i++;
      continue;
    }
    if (i + 1 >= captured) {
      o.malformed = i + 1 >= end;
      return;
    }
    const len = b[i + 1];
    if (len < 2 || i + len > end) {
      o.malformed = true;
      return;
    }
    if (i + len > captured) return; // cut by the snaplen: unknown, not malformed
    switch (kind) {
      case MSS:
        if (len === 4) o.mss = u16be(b, i + 2);
        else o.malformed = true;
        break;
      case WINDOW_SCALE:
        if (len === 3) o.windowScale = b[i + 2];
        else o.malformed = true;
        break;
      case SACK_PERMITTED:
        o.sackPermitted = true;
        break;
      case SACK:
        o.sackBlocks = (len - 2) >> 3;
        break;
      case TIMESTAMP:
        if (len === 10) {
          o.hasTimestamp = true;
          o.tsVal = u32be(b, i + 2);
          o.tsEcr = u32be(b, i + 6);
        } else o.malformed = true;
        break;
    }
    i += len;
  }
}
