import { u16be, u16le, u32be, u32le } from '../bytes';
import type { CaptureError } from '../errors';
import type { ByteQueue } from './byte-queue';
import type { RawPacket } from './raw-packet';

/** libpcap's own limit on a record whose header is sane (pcap-common.h MAXIMUM_SNAPLEN). */
export const PCAP_MAX_RECORD_BYTES = 262144;
const GLOBAL_HEADER = 24;

/** Classic pcap (libpcap's savefile.c format): both byte orders, us/ns, Kuznetzov's modified format. */
export class PcapFormat {
  readonly name = 'pcap';
  private littleEndian = true;
  private nanos = false;
  private recordHeader = 16; // 24 in the "modified" (Kuznetzov) variant
  private linkType = 0;
  private maxRecord = PCAP_MAX_RECORD_BYTES;
  private headerDone = false;
  private frame = 0;

  static sniff(magicLe: number): boolean {
    return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0xa1b2cd34, 0x34cdb2a1].includes(magicLe);
  }

  /** Parse as much as is buffered. Returns an error once the stream is corrupt. */
  parse(q: ByteQueue, out: RawPacket, emit: (p: RawPacket) => void): CaptureError | null {
    if (!this.headerDone) {
      const h = q.peek(GLOBAL_HEADER);
      if (h === null) return null;
      const err = this.readGlobalHeader(h, q.consumed);
      if (err) return err;
      q.skip(GLOBAL_HEADER);
      this.headerDone = true;
    }
    const u32 = this.littleEndian ? u32le : u32be;
    const rhLen = this.recordHeader;
    for (;;) {
      // Fast path: header and data inside one chunk are read in place (no view at all).
      const chunk = q.firstChunk;
      if (chunk !== null) {
        const h = q.firstOffset;
        const left = chunk.length - h;
        if (left >= rhLen) {
          const caplen = u32(chunk, h + 8);
          if (caplen <= this.maxRecord && left >= rhLen + caplen) {
            const frac = u32(chunk, h + 4);
            out.frame = ++this.frame;
            out.linkType = this.linkType;
            out.interfaceId = 0;
            out.tsSec = u32(chunk, h);
            out.tsNsec = this.nanos ? frac : frac * 1000;
            out.origLen = u32(chunk, h + 12);
            out.data = chunk;
            out.offset = h + rhLen;
            out.caplen = caplen;
            q.skip(rhLen + caplen);
            emit(out);
            continue;
          }
        }
      }
      const rh = q.peek(this.recordHeader);
      if (rh === null) return null;
      const caplen = u32(rh, 8);
      if (caplen > this.maxRecord) {
        return {
          code: 'capture.record_too_large',
          offset: q.consumed,
          message: `pcap record ${this.frame + 1} claims ${caplen} captured bytes, more than the ${this.maxRecord}-byte limit: the file is corrupt from here`,
        };
      }
      const rec = q.peek(this.recordHeader + caplen);
      if (rec === null) return null;
      const tsSec = u32(rec, 0);
      const frac = u32(rec, 4);
      out.frame = ++this.frame;
      out.linkType = this.linkType;
      out.interfaceId = 0;
      out.tsSec = tsSec;
      out.tsNsec = this.nanos ? frac : frac * 1000;
      out.origLen = u32(rec, 12);
      out.data = rec;
      out.offset = this.recordHeader;
      out.caplen = caplen;
      q.skip(this.recordHeader + caplen);
      emit(out);
    }
  }

  /** What a truncated tail means for this format. */
  describeTail(q: ByteQueue): CaptureError {
    return this.headerDone
      ? { code: 'capture.truncated_record', offset: q.consumed, message: `pcap file ends inside record ${this.frame + 1} (${q.length} stray bytes): truncated capture` }
      : { code: 'capture.truncated_header', offset: 0, message: `pcap file ends inside its ${GLOBAL_HEADER}-byte file header` };
  }

  private readGlobalHeader(h: Uint8Array, offset: number): CaptureError | null {
    const magic = u32le(h, 0);
    this.littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d || magic === 0xa1b2cd34;
    this.nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
    this.recordHeader = magic === 0xa1b2cd34 || magic === 0x34cdb2a1 ? 24 : 16;
    const u16 = this.littleEndian ? u16le : u16be;
    const u32 = this.littleEndian ? u32le : u32be;
    const major = u16(h, 4);
    if (major !== 2) {
      return { code: 'capture.bad_version', offset, message: `pcap version ${major}.${u16(h, 6)} is not one libpcap writes (2.x)` };
    }
    const snaplen = u32(h, 16);
    this.maxRecord = Math.max(PCAP_MAX_RECORD_BYTES, Math.min(snaplen, 16 * 1024 * 1024));
    this.linkType = u32(h, 20) & 0x03ffffff; // upper bits carry FCS information
    return null;
  }
}
