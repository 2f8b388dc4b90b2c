/**
 * Holding the flow bypass's header peek (libs/pcap/src/native/header_peek.h, the only
 * packet parsing in C) against the TypeScript decoder, frame by frame: the peek either
 * reads the decoder's 4-tuple, flags and payload length exactly, or says it does not
 * understand the frame (a capture then passes it up untouched, counted). A frame the peek
 * reads but the decoder does not would be a segment the bypass could drop with no
 * connection to drop it for: a disagreement too. Used by test/pcap/header-peek.spec.ts
 * (the recorded captures) and test/conformance/header-peek.spec.ts (the public corpus).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CaptureReader, LINK_TYPE_NAMES, PacketDecoder, type RawPacket } from '@shakewatch/decoder';
import { peekHeader } from '@shakewatch/pcap';

export interface Tally {
  packets: number;
  agreed: number;
  notUnderstood: number;
  /** Not understood by the peek, decoded to TCP by the decoder: by link type, for the report. */
  notUnderstoodTcp: Map<string, number>;
  disagreements: string[];
}

export const emptyTally = (): Tally => ({ packets: 0, agreed: 0, notUnderstood: 0, notUnderstoodTcp: new Map(), disagreements: [] });

const same = (a: Uint8Array, b: Uint8Array, o: number) => a.every((x, i) => b[o + i] === x);

/** One frame through both. */
export function compareFrame(decoder: PacketDecoder, raw: RawPacket, frame: Uint8Array, name: string, t: Tally): void {
  {
    t.packets++;
    // Header parsing only: a frame whose timestamp no clock gives is skipped by the decoder before it looks at the bytes.
    const p = decoder.decode({ ...raw, data: frame, offset: 0, tsSec: 1_700_000_000, tsNsec: 0 });
    const peek = peekHeader(raw.linkType, frame);
    if (peek === null) {
      t.notUnderstood++;
      if (p !== null) {
        const k = LINK_TYPE_NAMES[raw.linkType] ?? `link ${raw.linkType}`;
        t.notUnderstoodTcp.set(k, (t.notUnderstoodTcp.get(k) ?? 0) + 1);
      }
      return;
    }
    const where = `${name} frame ${raw.frame}`;
    if (p === null) {
      t.disagreements.push(`${where}: the peek reads TCP ${peek.srcPort} -> ${peek.dstPort}, the decoder skips the frame (${decoder.packet.skip})`);
      return;
    }
    const len = p.ipVersion === 4 ? 4 : 16;
    const problems = [
      peek.ipVersion !== p.ipVersion && `IP version ${peek.ipVersion} vs ${p.ipVersion}`,
      (peek.src.length !== len || !same(peek.src, p.data, p.srcOffset)) && 'source address',
      (peek.dst.length !== len || !same(peek.dst, p.data, p.dstOffset)) && 'destination address',
      (peek.srcPort !== p.srcPort || peek.dstPort !== p.dstPort) && `ports ${peek.srcPort}->${peek.dstPort} vs ${p.srcPort}->${p.dstPort}`,
      peek.flags !== p.flags && `flags 0x${peek.flags.toString(16)} vs 0x${p.flags.toString(16)}`,
      peek.payloadLength !== p.payloadLength && `payload length ${peek.payloadLength} vs ${p.payloadLength}`,
    ].filter(Boolean);
    if (problems.length > 0) t.disagreements.push(`${where}: ${problems.join(', ')}`);
    else t.agreed++;
  }
}

/** Every packet of one capture file through both. */
export function compareFile(path: string, name: string, t: Tally): void {
  const decoder = new PacketDecoder();
  const reader = new CaptureReader((raw) => compareFrame(decoder, raw, raw.data.slice(raw.offset, raw.offset + raw.caplen), name, t));
  const bytes = readFileSync(path);
  for (let o = 0; o < bytes.length; o += 1 << 20) if (!reader.push(bytes.subarray(o, o + (1 << 20)))) break;
  reader.end(); // a damaged tail ends the file: every packet before it was compared
}

/** Files under `dir` that start as a pcap or pcapng file does. */
export function captureFiles(dir: string): string[] {
  const magics = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0xa1b2cd34, 0x34cdb2a1, 0x0a0d0d0a]);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else if (st.size >= 24) {
        const head = readFileSync(full).subarray(0, 4);
        if (magics.has(head.readUInt32BE(0))) out.push(full);
      }
    }
  };
  walk(dir);
  return out;
}

export function report(what: string, t: Tally): string {
  const tcp = [...t.notUnderstoodTcp].map(([k, n]) => `${k} ${n}`).join(', ');
  return `${what}: ${t.packets} packets, ${t.agreed} read alike, ${t.notUnderstood} not understood by the peek` +
    `${tcp ? ` (of which decoded to TCP by the decoder: ${tcp})` : ''}, ${t.disagreements.length} disagreements`;
}
