/**
 * One captured frame as the file holds it. The reader reuses one object for every
 * packet: the frame is `data[offset, offset + caplen)`, where `data` is the reader's
 * whole chunk (or a capture batch), valid only during the callback; copy what you keep.
 * Not a view of its own: one view object per packet was a tenth of everything a large
 * capture allocated.
 */
export interface RawPacket {
  /** 1-based frame number in the file (as Wireshark numbers frames). */
  frame: number;
  /** LINKTYPE_* of the interface the packet came from. */
  linkType: number;
  interfaceId: number;
  /** Timestamp: whole seconds since the epoch, plus nanoseconds. */
  tsSec: number;
  tsNsec: number;
  /** The bytes the frame lies in (see `offset` and `caplen`). */
  data: Uint8Array;
  /** Where the frame starts in `data`. */
  offset: number;
  /** Captured length (may be shorter than origLen when snaplen cut it). */
  caplen: number;
  origLen: number;
}

export function newRawPacket(): RawPacket {
  return { frame: 0, linkType: 0, interfaceId: 0, tsSec: 0, tsNsec: 0, data: new Uint8Array(0), offset: 0, caplen: 0, origLen: 0 };
}

/** A raw packet for one frame held in its own bytes (tests, callers that build frames). */
export function rawFrame(data: Uint8Array, fields: Partial<Omit<RawPacket, 'data' | 'offset' | 'caplen'>> = {}): RawPacket {
  return { frame: 1, linkType: 1, interfaceId: 0, tsSec: 0, tsNsec: 0, origLen: data.length, ...fields, data, offset: 0, caplen: data.length };
}

/** The frame's captured bytes as a view (valid as long as `p.data` is). */
export function frameBytes(p: RawPacket): Uint8Array {
  return p.data.subarray(p.offset, p.offset + p.caplen);
}

/** (Time helpers live in ../time.ts, shared with tcp/; re-exported here for capture's users.) */
export { nsBetween } from '../time';
