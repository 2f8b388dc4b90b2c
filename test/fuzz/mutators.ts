import {
  layoutOf,
  OPT_IF_TSOFFSET,
  OPT_IF_TSRESOL,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_SHB,
  PCAPNG_SPB,
  readClassicPcap,
  writeClassicPcap,
  writePcapng,
  type PcapLayout,
  type PcapngBlock,
  type PcapngLayout,
} from './capture-layout';
import { Prng } from './prng';

/**
 * Mutations of capture files, each a pure function of (seed, mutant index): a base
 * capture, sometimes re-written into another container (big-endian or Kuznetzov pcap,
 * pcapng in either byte order with if_tsresol / if_tsoffset), then one to six edits —
 * blind ones (bit flips, byte overwrites, extreme 16/32-bit values, truncation,
 * duplicated, removed and copied ranges, splicing two captures) and aimed ones (pcap
 * record and file headers, pcapng block lengths and types, packet block fields, interface
 * options, the section's byte-order magic).
 */

export interface CaptureSeed {
  name: string;
  bytes: Buffer;
}

export interface Mutant {
  /** The capture it started from. */
  base: string;
  /** What was done, in order, for a person reading a failure. */
  ops: string[];
  bytes: Buffer;
}

/** The extreme values the brief names, for 32-bit and 16-bit fields. */
export const EXTREME32 = [0, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000] as const;
export const EXTREME16 = [0, 0xffff, 0x7fff, 0x8000] as const;

const I64_EXTREMES = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 31n, -(2n ** 31n), 2n ** 32n, -(2n ** 32n), 2n ** 53n, -(2n ** 53n), 4102444800n, -1700000000n, 10n ** 12n, -(10n ** 12n)];
const TSRESOL_VALUES = [0, 1, 3, 6, 9, 10, 12, 15, 18, 19, 20, 21, 40, 0x7f, 0x80, 0x81, 0x80 | 20, 0x80 | 31, 0x80 | 32, 0x80 | 40, 0x80 | 41, 0x80 | 63, 0x80 | 64, 0xff];
const LINK_TYPES = [0, 1, 9, 12, 14, 101, 104, 105, 108, 113, 119, 127, 228, 229, 239, 276, 0xffff, 0xffffffff];

type Edit = (rng: Prng, b: Buffer, corpus: readonly CaptureSeed[]) => { bytes: Buffer; note: string } | null;

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

function put(b: Buffer, at: number, size: 2 | 4, v: number, le: boolean): void {
  if (at < 0 || at + size > b.length) return;
  if (size === 2) {
    if (le) b.writeUInt16LE(v & 0xffff, at);
    else b.writeUInt16BE(v & 0xffff, at);
  } else if (le) b.writeUInt32LE(v >>> 0, at);
  else b.writeUInt32BE(v >>> 0, at);
}

function get32(b: Buffer, at: number, le: boolean): number {
  return at + 4 > b.length ? 0 : le ? b.readUInt32LE(at) : b.readUInt32BE(at);
}

function pcapOf(b: Buffer): PcapLayout | null {
  const l = layoutOf(b);
  return l?.kind === 'pcap' ? l : null;
}

function pcapngOf(b: Buffer): PcapngLayout | null {
  const l = layoutOf(b);
  return l?.kind === 'pcapng' && l.blocks.length > 0 ? l : null;
}

/** Offsets where records or blocks start (and the end): where cuts and splices are most telling. */
function boundaries(b: Buffer): number[] {
  const l = layoutOf(b);
  if (l === null) return [];
  const starts = l.kind === 'pcap' ? [0, 24, ...l.records.map((r) => r.at)] : l.blocks.map((x) => x.at);
  return [...starts, b.length];
}

function aroundBoundary(rng: Prng, b: Buffer): number {
  const bs = boundaries(b);
  if (bs.length === 0 || rng.chance(0.4)) return rng.int(b.length + 1);
  return Math.max(0, Math.min(b.length, rng.pick(bs) + rng.range(-4, 4)));
}

function randomRange(rng: Prng, b: Buffer, max = 512): [number, number] {
  const from = rng.int(b.length);
  const len = rng.chance(0.3) ? rng.range(1, 4) : rng.range(1, Math.max(1, Math.min(max, b.length - from)));
  return [from, Math.min(b.length, from + len)];
}

// --- blind edits -------------------------------------------------------------------------

const bitFlips: Edit = (rng, b) => {
  if (b.length === 0) return null;
  const n = rng.range(1, 8);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = rng.int(b.length);
    b[o] ^= 1 << rng.int(8);
    at.push(o);
  }
  return { bytes: b, note: `bit flips at ${at.join(',')}` };
};

const byteOverwrites: Edit = (rng, b) => {
  if (b.length === 0) return null;
  const n = rng.range(1, 16);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = rng.int(b.length);
    b[o] = rng.chance(0.5) ? rng.pick([0, 0xff, 0x7f, 0x80, 0x01]) : rng.int(256);
    at.push(o);
  }
  return { bytes: b, note: `random bytes at ${at.join(',')}` };
};

const extremeField: Edit = (rng, b) => {
  if (b.length < 4) return null;
  const size = rng.chance(0.5) ? 2 : 4;
  const v = size === 2 ? rng.pick(EXTREME16) : rng.pick(EXTREME32);
  const le = rng.chance(0.7);
  // Header fields sit at multiples of 2 or 4 from a boundary: aim there most of the time.
  const at = rng.chance(0.6) ? Math.min(b.length - size, aroundBoundary(rng, b) & ~(size - 1)) : rng.int(b.length - size + 1);
  put(b, at, size, v, le);
  return { bytes: b, note: `${size * 8}-bit ${hex(v)} (${le ? 'le' : 'be'}) at ${at}` };
};

const truncate: Edit = (rng, b) => {
  if (b.length === 0) return null;
  const cut = rng.chance(0.3) ? Math.max(0, b.length - rng.range(1, 64)) : aroundBoundary(rng, b);
  if (cut >= b.length) return null;
  return { bytes: b.subarray(0, cut), note: `truncated at ${cut} of ${b.length}` };
};

const duplicateRange: Edit = (rng, b) => {
  if (b.length === 0) return null;
  const [from, to] = randomRange(rng, b);
  const at = rng.chance(0.5) ? to : aroundBoundary(rng, b);
  return { bytes: Buffer.concat([b.subarray(0, at), b.subarray(from, to), b.subarray(at)]), note: `bytes ${from}..${to} duplicated at ${at}` };
};

const removeRange: Edit = (rng, b) => {
  if (b.length === 0) return null;
  const [from, to] = randomRange(rng, b);
  return { bytes: Buffer.concat([b.subarray(0, from), b.subarray(to)]), note: `bytes ${from}..${to} removed` };
};

const copyRange: Edit = (rng, b) => {
  if (b.length < 2) return null;
  const [from, to] = randomRange(rng, b, 256);
  const at = rng.int(b.length);
  const n = Buffer.from(b.subarray(from, to)).copy(b, at);
  return { bytes: b, note: `bytes ${from}..${from + n} copied over ${at}` };
};

const spliceCaptures: Edit = (rng, b, corpus) => {
  const other = rng.pick(corpus);
  const mode = rng.int(3);
  if (mode === 0) {
    // Blind: the head of one file, the tail of another.
    const i = aroundBoundary(rng, b);
    const j = aroundBoundary(rng, other.bytes);
    return { bytes: Buffer.concat([b.subarray(0, i), other.bytes.subarray(j)]), note: `spliced ${i} bytes with ${other.name} from ${j}` };
  }
  const mine = pcapOf(b);
  const theirs = pcapOf(other.bytes);
  if (mode === 1 || mine === null || theirs === null) {
    // Aligned: this file, then the other's records (pcap) or its whole section (pcapng:
    // a second section is legal there; a classic pcap header mid-file is not).
    const skip = theirs !== null && mine !== null ? 24 : 0;
    return { bytes: Buffer.concat([b, other.bytes.subarray(skip)]), note: `${other.name} appended${skip ? ' without its file header' : ''}` };
  }
  // Interleaved records of two pcaps (times jump back and forth, link types may differ).
  const parts: Buffer[] = [b.subarray(0, 24)];
  const n = Math.max(mine.records.length, theirs.records.length);
  for (let i = 0; i < n; i++) {
    for (const [l, src] of [[mine, b], [theirs, other.bytes]] as const) {
      const r = l.records[i];
      if (r !== undefined) parts.push(src.subarray(r.at, Math.min(src.length, r.at + l.recordHeader + r.caplen)));
    }
  }
  return { bytes: Buffer.concat(parts), note: `records interleaved with ${other.name}` };
};

// --- classic pcap ------------------------------------------------------------------------

const pcapRecordHeader: Edit = (rng, b) => {
  const l = pcapOf(b);
  if (l === null || l.records.length === 0) return null;
  const i = rng.int(l.records.length);
  const r = l.records[i];
  const field = rng.pick(['ts_sec', 'ts_frac', 'caplen', 'len'] as const);
  const prev = get32(b, r.at, l.le);
  const values: Record<typeof field, number[]> = {
    ts_sec: [...EXTREME32, Math.max(0, prev - 86400), prev + 1, prev + 86400 * 365 * 100, 4102444800, prev ^ 0x80000000],
    ts_frac: [...EXTREME32, 999999, 1000000, 1000001, 999999999, 1000000000, 4000000000],
    caplen: [...EXTREME32, r.caplen + 1, Math.max(0, r.caplen - 1), r.caplen + 4, 262144, 262145, 16 * 1024 * 1024 + 1],
    len: [...EXTREME32, Math.max(0, r.caplen - 1), r.caplen + 1],
  };
  const v = rng.pick(values[field]) >>> 0;
  put(b, r.at + { ts_sec: 0, ts_frac: 4, caplen: 8, len: 12 }[field], 4, v, l.le);
  return { bytes: b, note: `pcap record ${i + 1} ${field}=${v}` };
};

const pcapFileHeader: Edit = (rng, b) => {
  const l = pcapOf(b);
  if (l === null || b.length < 24) return null;
  const field = rng.pick(['magic', 'version', 'snaplen', 'linktype', 'thiszone'] as const);
  let v: number;
  switch (field) {
    case 'magic':
      v = rng.pick([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0xa1b2cd34, 0x34cdb2a1, 0x0a0d0d0a, 0]);
      b.writeUInt32LE(v, 0);
      break;
    case 'version':
      v = rng.pick([0, 1, 3, 0xffff]);
      put(b, rng.chance(0.7) ? 4 : 6, 2, v, l.le);
      break;
    case 'snaplen':
      v = rng.pick([...EXTREME32, 1, 14, 20, 54, 262144, 16 * 1024 * 1024]);
      put(b, 16, 4, v, l.le);
      break;
    case 'linktype':
      v = rng.pick(LINK_TYPES) | (rng.chance(0.1) ? 0x10000000 : 0);
      put(b, 20, 4, v, l.le);
      break;
    default:
      v = rng.pick(EXTREME32);
      put(b, 8, 4, v, l.le);
  }
  return { bytes: b, note: `pcap header ${field}=${hex(v)}` };
};

const swapRecords: Edit = (rng, b) => {
  const l = pcapOf(b);
  if (l === null || l.records.length < 2) return null;
  const whole = l.records.filter((r) => r.at + l.recordHeader + r.caplen <= b.length);
  if (whole.length < 2) return null;
  const i = rng.int(whole.length - 1);
  const j = rng.range(i + 1, whole.length - 1);
  const rec = (k: number) => b.subarray(whole[k].at, whole[k].at + l.recordHeader + whole[k].caplen);
  const end = whole[j].at + l.recordHeader + whole[j].caplen;
  return {
    bytes: Buffer.concat([b.subarray(0, whole[i].at), rec(j), b.subarray(whole[i].at + rec(i).length, whole[j].at), rec(i), b.subarray(end)]),
    note: `pcap records ${i + 1} and ${j + 1} swapped`,
  };
};

// --- pcapng ------------------------------------------------------------------------------

function pickBlock(rng: Prng, b: Buffer, types?: number[]): PcapngBlock | null {
  const l = pcapngOf(b);
  if (l === null) return null;
  const list = types === undefined ? l.blocks : l.blocks.filter((x) => types.includes(x.type));
  return list.length === 0 ? null : rng.pick(list);
}

const pcapngBlockLength: Edit = (rng, b) => {
  const x = pickBlock(rng, b);
  if (x === null) return null;
  const v = rng.pick([...EXTREME32, 8, 11, 12, 13, x.total - 4, x.total + 4, x.total + 1, x.total - 1, 16 * 1024 * 1024, 16 * 1024 * 1024 + 4]);
  const where = rng.pick(['leading', 'trailing', 'both'] as const);
  if (where !== 'trailing') put(b, x.at + 4, 4, v, x.le);
  if (where !== 'leading') put(b, x.at + x.total - 4, 4, v, x.le);
  return { bytes: b, note: `pcapng block at ${x.at} (type ${x.type}) ${where} length=${v}` };
};

const pcapngBlockType: Edit = (rng, b) => {
  const x = pickBlock(rng, b);
  if (x === null) return null;
  const v = rng.pick([PCAPNG_SHB, PCAPNG_IDB, 2, PCAPNG_SPB, 4, 5, PCAPNG_EPB, 0x0bad, 0x40000bad, 0x80000001, 0, 0xffffffff]);
  put(b, x.at, 4, v, x.le);
  return { bytes: b, note: `pcapng block at ${x.at} type ${x.type} -> ${hex(v)}` };
};

const pcapngPacketField: Edit = (rng, b) => {
  const x = pickBlock(rng, b, [PCAPNG_EPB, 2, PCAPNG_SPB]);
  if (x === null) return null;
  if (x.type === PCAPNG_SPB) {
    const v = rng.pick([...EXTREME32, 1, 13]);
    put(b, x.at + 8, 4, v, x.le);
    return { bytes: b, note: `pcapng simple packet at ${x.at} original length=${v}` };
  }
  const field = rng.pick(['interface', 'ts_high', 'ts_low', 'ts_both', 'caplen', 'len'] as const);
  const v = rng.pick([...EXTREME32, 1, 2, x.total, x.total - 32, x.total - 31]);
  const off = { interface: 8, ts_high: 12, ts_low: 16, ts_both: 12, caplen: 20, len: 24 }[field];
  put(b, x.at + off, 4, v, x.le);
  if (field === 'ts_both') put(b, x.at + 16, 4, v, x.le);
  return { bytes: b, note: `pcapng packet at ${x.at} ${field}=${v}` };
};

const pcapngInterface: Edit = (rng, b) => {
  const x = pickBlock(rng, b, [PCAPNG_IDB]);
  if (x === null || x.total < 20) return null;
  const existing = x.options.filter((o) => o.code === OPT_IF_TSRESOL || o.code === OPT_IF_TSOFFSET);
  const what = rng.weighted([
    ['tsresol', 3],
    ['tsoffset', 3],
    ['rewrite', 3],
    ['option length', 1],
    ['linktype', 1],
    ['snaplen', 1],
  ] as const);
  if ((what === 'tsresol' || what === 'tsoffset') && existing.some((o) => o.code === (what === 'tsresol' ? OPT_IF_TSRESOL : OPT_IF_TSOFFSET))) {
    const o = existing.find((e) => e.code === (what === 'tsresol' ? OPT_IF_TSRESOL : OPT_IF_TSOFFSET))!;
    if (what === 'tsresol') {
      const v = rng.chance(0.85) ? rng.pick(TSRESOL_VALUES) : rng.int(256);
      b[o.at + 4] = v;
      return { bytes: b, note: `pcapng interface at ${x.at} if_tsresol=${hex(v)}` };
    }
    const v = rng.pick(I64_EXTREMES);
    if (o.length >= 8) {
      if (x.le) b.writeBigInt64LE(v, o.at + 4);
      else b.writeBigInt64BE(v, o.at + 4);
    }
    return { bytes: b, note: `pcapng interface at ${x.at} if_tsoffset=${v}` };
  }
  if (what === 'option length' && x.options.length > 0) {
    const o = rng.pick(x.options);
    const v = rng.pick([...EXTREME16, 0, 1, 7, o.length + 4]);
    put(b, o.at + 2, 2, v, x.le);
    return { bytes: b, note: `pcapng interface at ${x.at} option ${o.code} length=${v}` };
  }
  if (what === 'linktype') {
    const v = rng.pick(LINK_TYPES);
    put(b, x.at + 8, 2, v, x.le);
    return { bytes: b, note: `pcapng interface at ${x.at} linktype=${v & 0xffff}` };
  }
  if (what === 'snaplen') {
    const v = rng.pick([...EXTREME32, 1, 14, 20, 54]);
    put(b, x.at + 12, 4, v, x.le);
    return { bytes: b, note: `pcapng interface at ${x.at} snaplen=${v}` };
  }
  // Rewrite the block with options of our choosing (the committed pcapng has none of these).
  const tsresol = rng.chance(0.7) ? (rng.chance(0.85) ? rng.pick(TSRESOL_VALUES) : rng.int(256)) : undefined;
  const tsoffset = rng.chance(0.6) ? rng.pick(I64_EXTREMES) : undefined;
  const opts: Buffer[] = [];
  const opt = (code: number, value: Buffer, declared = value.length) => {
    const o = Buffer.alloc(4 + ((value.length + 3) & ~3));
    put(o, 0, 2, code, x.le);
    put(o, 2, 2, declared, x.le);
    value.copy(o, 4);
    opts.push(o);
  };
  if (tsresol !== undefined) opt(OPT_IF_TSRESOL, Buffer.from([tsresol]));
  if (tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (x.le) v.writeBigInt64LE(tsoffset);
    else v.writeBigInt64BE(tsoffset);
    opt(OPT_IF_TSOFFSET, v, rng.chance(0.9) ? 8 : rng.pick([4, 7, 9, 0xffff]));
  }
  if (rng.chance(0.8)) opts.push(Buffer.alloc(4));
  const body = Buffer.concat([b.subarray(x.at + 8, x.at + 16), ...opts]);
  const total = 12 + body.length;
  const block = Buffer.alloc(total);
  put(block, 0, 4, PCAPNG_IDB, x.le);
  put(block, 4, 4, total, x.le);
  body.copy(block, 8);
  put(block, total - 4, 4, total, x.le);
  return {
    bytes: Buffer.concat([b.subarray(0, x.at), block, b.subarray(x.at + x.total)]),
    note: `pcapng interface at ${x.at} rewritten with if_tsresol=${tsresol === undefined ? '-' : hex(tsresol)} if_tsoffset=${tsoffset ?? '-'}`,
  };
};

const pcapngSection: Edit = (rng, b) => {
  const shb = pickBlock(rng, b, [PCAPNG_SHB]);
  if (shb === null) return null;
  const what = rng.pick(['byte order', 'version', 'section length', 'second section'] as const);
  if (what === 'byte order') {
    const v = rng.pick([0x4d3c2b1a, 0x1a2b3c4d, 0, 0xffffffff, 0x1a2b3c4e]);
    b.writeUInt32LE(v, shb.at + 8);
    return { bytes: b, note: `pcapng section at ${shb.at} byte-order magic=${hex(v)} (le)` };
  }
  if (what === 'version') {
    const v = rng.pick([0, 2, 0xffff]);
    put(b, shb.at + 12, 2, v, shb.le);
    return { bytes: b, note: `pcapng section at ${shb.at} major version=${v}` };
  }
  if (what === 'section length') {
    const v = rng.pick(I64_EXTREMES);
    if (shb.at + 24 <= b.length) b.writeBigInt64LE(v, shb.at + 16);
    return { bytes: b, note: `pcapng section at ${shb.at} section length=${v}` };
  }
  // A new section header mid-file, maybe in the other byte order: it forgets the interfaces.
  const le = rng.chance(0.5);
  const block = Buffer.alloc(28, 0xff);
  put(block, 0, 4, PCAPNG_SHB, le);
  put(block, 4, 4, 28, le);
  put(block, 8, 4, 0x1a2b3c4d, le);
  put(block, 12, 2, 1, le);
  put(block, 14, 2, 0, le);
  put(block, 24, 4, 28, le);
  const at = rng.pick(boundaries(b));
  return { bytes: Buffer.concat([b.subarray(0, at), block, b.subarray(at)]), note: `pcapng section header (${le ? 'le' : 'be'}) inserted at ${at}` };
};

/** The edits and how often each is drawn (aimed ones that do not apply are drawn again). */
export const EDITS: readonly (readonly [string, Edit, number])[] = [
  ['bit flips', bitFlips, 3],
  ['byte overwrites', byteOverwrites, 3],
  ['extreme field', extremeField, 3],
  ['truncate', truncate, 2],
  ['duplicate range', duplicateRange, 1],
  ['remove range', removeRange, 1],
  ['copy range', copyRange, 1],
  ['splice captures', spliceCaptures, 2],
  ['pcap record header', pcapRecordHeader, 4],
  ['pcap file header', pcapFileHeader, 1],
  ['swap records', swapRecords, 1],
  ['pcapng block length', pcapngBlockLength, 3],
  ['pcapng block type', pcapngBlockType, 1],
  ['pcapng packet field', pcapngPacketField, 3],
  ['pcapng interface', pcapngInterface, 4],
  ['pcapng section', pcapngSection, 2],
];

/** A committed capture re-written into another container, or left as it is. */
function container(rng: Prng, seed: CaptureSeed): { bytes: Buffer; note: string | null } {
  if (pcapOf(seed.bytes) === null) return { bytes: Buffer.from(seed.bytes), note: null };
  const kind = rng.weighted([
    ['as is', 4],
    ['pcap-be', 1],
    ['pcap-kuznetzov', 0.5],
    ['pcapng-le', 2.5],
    ['pcapng-be', 2],
  ] as const);
  if (kind === 'as is') return { bytes: Buffer.from(seed.bytes), note: null };
  const p = readClassicPcap(seed.bytes);
  if (kind === 'pcap-be') return { bytes: writeClassicPcap(p, { le: false }), note: 'as big-endian pcap' };
  if (kind === 'pcap-kuznetzov') return { bytes: writeClassicPcap(p, { le: rng.chance(0.5), kuznetzov: true }), note: "as Kuznetzov's pcap" };
  const le = kind === 'pcapng-le';
  const tsresol = rng.pick(p.nanos ? [9, 9, 0x80 | 30] : [undefined, 6, 9, 0x80 | 20, 12]);
  const tsoffset = rng.chance(0.4) ? rng.pick([0n, 3600n, -86400n, 1000000000n, -1000000000n]) : undefined;
  const simple = rng.chance(0.1);
  const extraInterfaces = rng.chance(0.15) ? rng.range(1, 3) : 0;
  return {
    bytes: writePcapng(p, { le, tsresol, tsoffset, simple, extraInterfaces }),
    note: `as pcapng (${le ? 'le' : 'be'}, if_tsresol=${tsresol ?? '-'}, if_tsoffset=${tsoffset ?? '-'}${simple && extraInterfaces === 0 ? ', simple packet blocks' : ''}${extraInterfaces ? `, ${extraInterfaces} extra interfaces` : ''})`,
  };
}

/** Mutant `index` of `seed`: the same bytes every time. */
export function makeMutant(seed: number, index: number, corpus: readonly CaptureSeed[]): Mutant {
  const rng = new Prng(seed, index);
  const base = rng.pick(corpus);
  const ops: string[] = [];
  const start = container(rng, base);
  if (start.note !== null) ops.push(start.note);
  let bytes = start.bytes;
  const edits = rng.weighted([
    [1, 5],
    [2, 3],
    [3, 2],
    [4, 1],
    [6, 0.5],
  ] as const);
  const choices = EDITS.map(([name, edit, w]) => [[name, edit] as const, w] as const);
  for (let done = 0, tries = 0; done < edits && tries < 50; tries++) {
    const [, edit] = rng.weighted(choices);
    const r = edit(rng, bytes, corpus);
    if (r === null) continue;
    bytes = r.bytes;
    ops.push(r.note);
    done++;
  }
  return { base: base.name, ops, bytes };
}
