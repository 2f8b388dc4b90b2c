/**
 * One captured frame as the file holds it. The reader reuses one object for every
 * packet: `data` is a view valid only during the callback; copy what you keep.
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
  /** Captured bytes (may be shorter than origLen when snaplen cut it). */
  data: Uint8Array;
  origLen: number;
}

export function newRawPacket(): RawPacket {
  return { frame: 0, linkType: 0, interfaceId: 0, tsSec: 0, tsNsec: 0, data: new Uint8Array(0), origLen: 0 };
}

/** Nanoseconds from a to b (exact for any realistic capture span). */
export function nsBetween(aSec: number, aNsec: number, bSec: number, bNsec: number): number {
  return (bSec - aSec) * 1e9 + (bNsec - aNsec);
}
