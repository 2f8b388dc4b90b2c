import { u16le } from '../bytes';
import { stop, type LayerCursor } from '../layer-cursor';
import { decodeLlc } from './ethernet';

/** Radiotap header, then an 802.11 data frame, then LLC/SNAP. Protected frames are opaque. */
export function decodeRadiotap80211(b: Uint8Array, c: LayerCursor): void {
  if (c.end - c.offset < 4) return stop(c, 'truncated');
  const o = c.offset + u16le(b, c.offset + 2);
  if (c.end - o < 24) return stop(c, 'truncated');
  const fc0 = b[o];
  const fc1 = b[o + 1];
  const type = (fc0 >> 2) & 0x3;
  const subtype = fc0 >> 4;
  if (type !== 2) return stop(c, 'not_ip'); // management / control frames
  if (fc1 & 0x40) return stop(c, 'not_ip'); // protected: encrypted payload
  if (subtype & 0x4) return stop(c, 'not_ip'); // null-data subtypes carry nothing
  let h = 24;
  if ((fc1 & 0x03) === 0x03) h += 6; // four-address (WDS) frame
  if (subtype & 0x8) {
    h += 2; // QoS control
    if (fc1 & 0x80) h += 4; // HT control
  }
  decodeLlc(b, o + h, c);
}
