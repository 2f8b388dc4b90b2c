/**
 * Where the fields of a capture file are, so the mutators can aim at record headers and
 * blocks rather than only at random bytes; and conversions of the committed captures
 * (all little-endian, nearly all classic pcap) into the containers the reader must also
 * survive: big-endian pcap, Kuznetzov's pcap, pcapng in either byte order with
 * if_tsresol and if_tsoffset options. Tolerant: on bytes that are already damaged the
 * walk stops at the first thing that does not add up.
 */

export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 1;
export const PCAPNG_SPB = 3;
export const PCAPNG_EPB = 6;
export const OPT_IF_TSRESOL = 9;
export const OPT_IF_TSOFFSET = 14;

const PCAP_MAGICS: Record<number, { le: boolean; nanos: boolean; kuznetzov: boolean }> = {
  0xa1b2c3d4: { le: true, nanos: false, kuznetzov: false },
  0xd4c3b2a1: { le: false, nanos: false, kuznetzov: false },
  0xa1b23c4d: { le: true, nanos: true, kuznetzov: false },
  0x4d3cb2a1: { le: false, nanos: true, kuznetzov: false },
  0xa1b2cd34: { le: true, nanos: false, kuznetzov: true },
  0x34cdb2a1: { le: false, nanos: false, kuznetzov: true },
};

export interface PcapRecord {
  /** Offset of the record header. */
  at: number;
  caplen: number;
}

export interface PcapLayout {
  kind: 'pcap';
  le: boolean;
  nanos: boolean;
  recordHeader: number;
  linkType: number;
  records: PcapRecord[];
}

export interface PcapngOption {
  /** Offset of the option's code. */
  at: number;
  code: number;
  length: number;
}

export interface PcapngBlock {
  at: number;
  type: number;
  total: number;
  le: boolean;
  /** IDB only: its options. */
  options: PcapngOption[];
}

export interface PcapngLayout {
  kind: 'pcapng';
  blocks: PcapngBlock[];
}

export type Layout = PcapLayout | PcapngLayout;

const u16 = (b: Buffer, at: number, le: boolean): number => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));
const u32 = (b: Buffer, at: number, le: boolean): number => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));

/** The structure of a pcap or pcapng file as far as it parses; null when neither magic is there. */
export function layoutOf(b: Buffer): Layout | null {
  if (b.length < 4) return null;
  const magic = b.readUInt32LE(0);
  if (magic === PCAPNG_SHB) return pcapngLayout(b);
  const m = PCAP_MAGICS[magic];
  if (m === undefined) return null;
  const recordHeader = m.kuznetzov ? 24 : 16;
  const linkType = b.length >= 24 ? u32(b, 20, m.le) : 0;
  const records: PcapRecord[] = [];
  for (let at = 24; at + recordHeader <= b.length; ) {
    const caplen = u32(b, at + 8, m.le);
    if (caplen > 16 * 1024 * 1024) break;
    records.push({ at, caplen });
    at += recordHeader + caplen;
  }
  return { kind: 'pcap', le: m.le, nanos: m.nanos, recordHeader, linkType, records };
}

function pcapngLayout(b: Buffer): PcapngLayout {
  const blocks: PcapngBlock[] = [];
  let le = true;
  for (let at = 0; at + 12 <= b.length; ) {
    if (b.readUInt32LE(at) === PCAPNG_SHB) {
      const bom = b.readUInt32LE(at + 8);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else break;
    }
    const type = u32(b, at, le);
    const total = u32(b, at + 4, le);
    if (total < 12 || total % 4 !== 0 || at + total > b.length) break;
    const options: PcapngOption[] = [];
    if (type === PCAPNG_IDB) {
      for (let o = at + 16; o + 4 <= at + total - 4; ) {
        const code = u16(b, o, le);
        const length = u16(b, o + 2, le);
        if (code === 0 || o + 4 + length > at + total - 4) break;
        options.push({ at: o, code, length });
        o += 4 + ((length + 3) & ~3);
      }
    }
    blocks.push({ at, type, total, le, options });
    at += total;
  }
  return { kind: 'pcapng', blocks };
}

export interface PcapPacket {
  tsSec: number;
  /** Microseconds or nanoseconds, as the file says. */
  tsFrac: number;
  origLen: number;
  data: Buffer;
}

export interface ClassicPcap {
  nanos: boolean;
  snaplen: number;
  linkType: number;
  packets: PcapPacket[];
}

/** The packets of a well-formed classic pcap (the committed captures). */
export function readClassicPcap(b: Buffer): ClassicPcap {
  const l = layoutOf(b);
  if (l?.kind !== 'pcap') throw new Error('not a classic pcap');
  const packets = l.records
    .filter((r) => r.at + l.recordHeader + r.caplen <= b.length)
    .map((r) => ({
      tsSec: u32(b, r.at, l.le),
      tsFrac: u32(b, r.at + 4, l.le),
      origLen: u32(b, r.at + 12, l.le),
      data: b.subarray(r.at + l.recordHeader, r.at + l.recordHeader + r.caplen),
    }));
  return { nanos: l.nanos, snaplen: u32(b, 16, l.le), linkType: l.linkType, packets };
}

/** A classic pcap in either byte order, optionally in Kuznetzov's variant (24-byte record headers). */
export function writeClassicPcap(p: ClassicPcap, opts: { le: boolean; kuznetzov?: boolean }): Buffer {
  const { le } = opts;
  const kuz = opts.kuznetzov === true;
  const rh = kuz ? 24 : 16;
  const out = Buffer.alloc(24 + p.packets.reduce((s, x) => s + rh + x.data.length, 0));
  const w32 = (v: number, at: number) => (le ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  const w16 = (v: number, at: number) => (le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  w32(kuz ? 0xa1b2cd34 : p.nanos ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(2, 4);
  w16(4, 6);
  w32(p.snaplen, 16);
  w32(p.linkType, 20);
  let at = 24;
  for (const x of p.packets) {
    w32(x.tsSec, at);
    w32(kuz && p.nanos ? Math.floor(x.tsFrac / 1000) : x.tsFrac, at + 4);
    w32(x.data.length, at + 8);
    w32(x.origLen, at + 12);
    x.data.copy(out, at + rh);
    at += rh + x.data.length;
  }
  return out;
}

export interface PcapngOptions {
  le: boolean;
  /** if_tsresol option byte; absent: no option (microseconds). */
  tsresol?: number;
  /** if_tsoffset in seconds; absent: no option. Packet times are shifted so the capture says the same. */
  tsoffset?: bigint;
  /** Simple packet blocks instead of enhanced ones (no timestamps). */
  simple?: boolean;
  /** Interfaces described before the one the packets are on. */
  extraInterfaces?: number;
}

/** The packets of a classic pcap as one pcapng section. */
export function writePcapng(p: ClassicPcap, o: PcapngOptions): Buffer {
  const parts: Buffer[] = [];
  const block = (type: number, body: Buffer) => {
    const total = 12 + body.length;
    const b = Buffer.alloc(total);
    w32(b, type, 0, o.le);
    w32(b, total, 4, o.le);
    body.copy(b, 8);
    w32(b, total, total - 4, o.le);
    parts.push(b);
  };
  const shb = Buffer.alloc(16);
  w32(shb, 0x1a2b3c4d, 0, o.le);
  w16(shb, 1, 4, o.le);
  w16(shb, 0, 6, o.le);
  shb.fill(0xff, 8, 16); // section length unknown
  block(PCAPNG_SHB, shb);
  const idb = (withOptions: boolean) => {
    const opts: Buffer[] = [];
    if (withOptions && o.tsresol !== undefined) opts.push(option(OPT_IF_TSRESOL, Buffer.from([o.tsresol]), o.le));
    if (withOptions && o.tsoffset !== undefined) {
      const v = Buffer.alloc(8);
      if (o.le) v.writeBigInt64LE(o.tsoffset);
      else v.writeBigInt64BE(o.tsoffset);
      opts.push(option(OPT_IF_TSOFFSET, v, o.le));
    }
    if (opts.length > 0) opts.push(Buffer.alloc(4)); // opt_endofopt
    const head = Buffer.alloc(8);
    w16(head, p.linkType & 0xffff, 0, o.le);
    w32(head, p.snaplen, 4, o.le);
    block(PCAPNG_IDB, Buffer.concat([head, ...opts]));
  };
  const extra = o.extraInterfaces ?? 0;
  for (let i = 0; i < extra; i++) idb(false);
  idb(true);
  const units = unitsPerSecond(o.tsresol);
  for (const x of p.packets) {
    const padded = Buffer.alloc((x.data.length + 3) & ~3);
    x.data.copy(padded);
    if (o.simple === true && extra === 0) {
      const head = Buffer.alloc(4);
      w32(head, x.origLen, 0, o.le);
      block(PCAPNG_SPB, Buffer.concat([head, padded]));
      continue;
    }
    const nanos = (BigInt(x.tsSec) - (o.tsoffset ?? 0n)) * 1_000_000_000n + BigInt(p.nanos ? x.tsFrac : x.tsFrac * 1000);
    let ts = (nanos * units) / 1_000_000_000n;
    if (ts < 0n) ts = 0n;
    ts &= 0xffffffffffffffffn;
    const head = Buffer.alloc(20);
    w32(head, extra, 0, o.le);
    w32(head, Number(ts >> 32n), 4, o.le);
    w32(head, Number(ts & 0xffffffffn), 8, o.le);
    w32(head, x.data.length, 12, o.le);
    w32(head, x.origLen, 16, o.le);
    block(PCAPNG_EPB, Buffer.concat([head, padded]));
  }
  return Buffer.concat(parts);
}

/** if_tsresol's units per second (MSB clear: 10^v, set: 2^v); microseconds without the option. */
export function unitsPerSecond(tsresol: number | undefined): bigint {
  if (tsresol === undefined) return 1_000_000n;
  const exp = BigInt(tsresol & 0x7f);
  return tsresol & 0x80 ? 2n ** exp : 10n ** exp;
}

function option(code: number, value: Buffer, le: boolean): Buffer {
  const b = Buffer.alloc(4 + ((value.length + 3) & ~3));
  w16(b, code, 0, le);
  w16(b, value.length, 2, le);
  value.copy(b, 4);
  return b;
}

function w32(b: Buffer, v: number, at: number, le: boolean): void {
  if (le) b.writeUInt32LE(v >>> 0, at);
  else b.writeUInt32BE(v >>> 0, at);
}

function w16(b: Buffer, v: number, at: number, le: boolean): void {
  if (le) b.writeUInt16LE(v & 0xffff, at);
  else b.writeUInt16BE(v & 0xffff, at);
}
