import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A classic little-endian pcap rewritten so that record i is stamped `offsets[i]` seconds
 * after the first (records past the list keep their spacing from the last one given):
 * captures with long gaps between packets, for replay at recorded speed.
 */
export function withGaps(source: string, target: string, offsets: number[]): void {
  const b = Buffer.from(readFileSync(source));
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${source}: not a little-endian microsecond pcap`);
  const base = b.readUInt32LE(24);
  let shift = 0;
  for (let at = 24, i = 0; at + 16 <= b.length; i++) {
    if (i < offsets.length) shift = base + offsets[i] - b.readUInt32LE(at);
    b.writeUInt32LE(b.readUInt32LE(at) + shift, at);
    at += 16 + b.readUInt32LE(at + 8);
  }
  writeFileSync(target, b);
}
