import { u16be, u16le, u32be, u32le } from '../bytes';
import type { CaptureError } from '../errors';
import type { ByteQueue } from './byte-queue';
import { DEFAULT_RESOLUTION, resolutionFromOption, splitTimestamp, type TsResolution } from './pcapng-timestamp';
import type { RawPacket } from './raw-packet';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const OBSOLETE_PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
/** Same cap libpcap's pcapng reader applies to one block. */
export const PCAPNG_MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/** A cap on interfaces per section, so a hostile file cannot grow the table without bound. */
export const PCAPNG_MAX_INTERFACES = 65536;

const OPT_END = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snaplen: number;
  res: TsResolution;
  offsetSec: number;
}

/** pcapng: SHB, IDB, EPB, SPB and the obsolete PB; unknown blocks skipped; both byte orders. */
export class PcapngFormat {
  readonly name = 'pcapng';
  private le = true;
  private inSection = false;
  private interfaces: Interface[] = [];
  private frame = 0;
  private readonly ts: [number, number] = [0, 0];

  static sniff(magicLe: number): boolean {
    return magicLe === SHB;
  }

  parse(q: ByteQueue, out: RawPacket, emit: (p: RawPacket) => void): CaptureError | null {
    for (;;) {
      const head = q.peek(12);
      if (head === null) return null;
      const offset = q.consumed;
      if (u32le(head, 0) === SHB) {
        const bom = u32le(head, 8);
        if (bom === 0x1a2b3c4d) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else return { code: 'capture.bad_byte_order_magic', offset, message: `pcapng section header at offset ${offset} has no valid byte-order magic` };
      } else if (!this.inSection) {
        return { code: 'capture.bad_block', offset, message: `pcapng file does not start with a section header block` };
      }
      const u32 = this.le ? u32le : u32be;
      const type = u32(head, 0);
      const total = u32(head, 4);
      if (total < 12 || total % 4 !== 0 || total > PCAPNG_MAX_BLOCK_BYTES) {
        return { code: 'capture.bad_block', offset, message: `pcapng block at offset ${offset} has an impossible length ${total}: the file is corrupt from here` };
      }
      const block = q.peek(total);
      if (block === null) return null;
      if (u32(block, total - 4) !== total) {
        return { code: 'capture.bad_block', offset, message: `pcapng block at offset ${offset}: trailing length differs from leading length (${u32(block, total - 4)} vs ${total})` };
      }
      const err = this.block(type, block, total, offset, out, emit);
      if (err) return err;
      q.skip(total);
    }
  }

  describeTail(q: ByteQueue): CaptureError {
    return { code: 'capture.truncated_record', offset: q.consumed, message: `pcapng file ends inside a block (${q.length} stray bytes after packet ${this.frame}): truncated capture` };
  }

  private block(type: number, b: Uint8Array, total: number, offset: number, out: RawPacket, emit: (p: RawPacket) => void): CaptureError | null {
    const u32 = this.le ? u32le : u32be;
    switch (type) {
      case SHB: {
        if (total < 28) return { code: 'capture.bad_block', offset, message: `pcapng section header at offset ${offset} is too short (${total} bytes)` };
        const u16 = this.le ? u16le : u16be;
        if (u16(b, 12) !== 1) return { code: 'capture.bad_version', offset, message: `pcapng version ${u16(b, 12)}.${u16(b, 14)} is not supported (1.x)` };
        this.inSection = true;
        this.interfaces = [];
        return null;
      }
      case IDB:
        return this.interfaceBlock(b, total, offset);
      case EPB:
      case OBSOLETE_PB: {
        if (total < 32) return { code: 'capture.bad_block', offset, message: `pcapng packet block at offset ${offset} is too short` };
        const ifId = type === EPB ? u32(b, 8) : (this.le ? u16le : u16be)(b, 8);
        const caplen = u32(b, 20);
        if (28 + caplen > total - 4) return { code: 'capture.bad_block', offset, message: `pcapng packet block at offset ${offset}: captured length ${caplen} overruns the block` };
        return this.emitPacket(ifId, u32(b, 12), u32(b, 16), b, 28, caplen, u32(b, 24), offset, out, emit);
      }
      case SPB: {
        if (total < 16) return { code: 'capture.bad_block', offset, message: `pcapng simple packet block at offset ${offset} is too short` };
        const iface = this.interfaces[0];
        if (iface === undefined) return this.noInterface(0, offset);
        const origLen = u32(b, 8);
        let caplen = Math.min(origLen, total - 16);
        if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
        // SPBs carry no timestamp: they get time zero, as in Wireshark.
        return this.emitPacket(0, 0, 0, b, 12, caplen, origLen, offset, out, emit);
      }
      default:
        return null; // NRB, ISB, DSB, custom and unknown blocks: skipped
    }
  }

  private interfaceBlock(b: Uint8Array, total: number, offset: number): CaptureError | null {
    if (total < 20) return { code: 'capture.bad_block', offset, message: `pcapng interface block at offset ${offset} is too short` };
    if (this.interfaces.length >= PCAPNG_MAX_INTERFACES) return { code: 'capture.bad_block', offset, message: `pcapng section declares more than ${PCAPNG_MAX_INTERFACES} interfaces` };
    const u16 = this.le ? u16le : u16be;
    const u32 = this.le ? u32le : u32be;
    const iface: Interface = { linkType: u16(b, 8), snaplen: u32(b, 12), res: DEFAULT_RESOLUTION, offsetSec: 0 };
    // Options: a malformed option list ends option parsing, it does not drop the interface.
    let o = 16;
    const end = total - 4;
    while (o + 4 <= end) {
      const code = u16(b, o);
      const len = u16(b, o + 2);
      if (code === OPT_END || o + 4 + len > end) break;
      if (code === IF_TSRESOL && len >= 1) iface.res = resolutionFromOption(b[o + 4]) ?? DEFAULT_RESOLUTION;
      if (code === IF_TSOFFSET && len >= 8) {
        const hi = u32(b, o + 4 + (this.le ? 4 : 0)) | 0;
        const lo = u32(b, o + 4 + (this.le ? 0 : 4));
        iface.offsetSec = hi * 4294967296 + lo;
      }
      o += 4 + ((len + 3) & ~3);
    }
    this.interfaces.push(iface);
    return null;
  }

  private emitPacket(ifId: number, high: number, low: number, block: Uint8Array, start: number, caplen: number, origLen: number, offset: number, out: RawPacket, emit: (p: RawPacket) => void): CaptureError | null {
    const iface = this.interfaces[ifId];
    if (iface === undefined) return this.noInterface(ifId, offset);
    splitTimestamp(high, low, iface.res, this.ts);
    out.frame = ++this.frame;
    out.linkType = iface.linkType;
    out.interfaceId = ifId;
    out.tsSec = this.ts[0] + iface.offsetSec;
    out.tsNsec = this.ts[1];
    out.data = block;
    out.offset = start;
    out.caplen = caplen;
    out.origLen = origLen;
    emit(out);
    return null;
  }

  private noInterface(ifId: number, offset: number): CaptureError {
    return { code: 'capture.unknown_interface', offset, message: `pcapng packet at offset ${offset} names interface ${ifId}, which no interface block described` };
  }
}
