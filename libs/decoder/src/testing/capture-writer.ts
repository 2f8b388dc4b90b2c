// Test-only writers: wrap frames (real bytes taken from recorded captures, or built
// by packet-builder) into pcap/pcapng files with a chosen byte order and resolution.

export interface Frame {
  data: Uint8Array;
  tsSec: number;
  tsNsec: number;
  linkType?: number;
  interfaceId?: number;
  /** Length on the wire when the capture kept less (snaplen); default: data.length. */
  origLen?: number;
  /** pcapng only: the 64-bit timestamp field as written (hostile files), instead of tsSec/tsNsec. */
  rawTs?: bigint;
}

function writer(littleEndian: boolean) {
  const parts: Uint8Array[] = [];
  return {
    u16(v: number) { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, v, littleEndian); parts.push(b); },
    u32(v: number) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, littleEndian); parts.push(b); },
    bytes(b: Uint8Array) { parts.push(b); },
    pad(n: number) { parts.push(new Uint8Array(n)); },
    done(): Uint8Array {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    },
  };
}

export function writePcap(frames: Frame[], opts: { littleEndian?: boolean; nanos?: boolean; linkType?: number; snaplen?: number } = {}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const w = writer(le);
  w.u32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2); w.u16(4); w.u32(0); w.u32(0);
  w.u32(opts.snaplen ?? 262144);
  w.u32(opts.linkType ?? 1);
  for (const f of frames) {
    w.u32(f.tsSec);
    w.u32(opts.nanos ? f.tsNsec : Math.floor(f.tsNsec / 1000));
    w.u32(f.data.length); w.u32(f.origLen ?? f.data.length);
    w.bytes(f.data);
  }
  return w.done();
}

/** `tsoffset`: the if_tsoffset option (seconds, signed 64-bit), written when given. */
export interface PcapngInterface { linkType: number; tsresol?: number; snaplen?: number; tsoffset?: bigint }

/** pcapng with one section; `extraBlocks` adds unknown blocks to prove they are skipped. */
export function writePcapng(frames: Frame[], ifaces: PcapngInterface[], opts: { littleEndian?: boolean; simple?: boolean; unknownBlocks?: boolean } = {}): Uint8Array {
  const le = opts.littleEndian ?? true;
  const w = writer(le);
  // SHB
  w.u32(0x0a0d0d0a); w.u32(28); w.u32(0x1a2b3c4d); w.u16(1); w.u16(0); w.u32(0xffffffff); w.u32(0xffffffff); w.u32(28);
  for (const i of ifaces) {
    const hasRes = i.tsresol !== undefined;
    const hasOffset = i.tsoffset !== undefined;
    const hasOptions = hasRes || hasOffset;
    const len = 20 + (hasRes ? 8 : 0) + (hasOffset ? 12 : 0) + (hasOptions ? 4 : 0);
    w.u32(1); w.u32(len); w.u16(i.linkType); w.u16(0); w.u32(i.snaplen ?? 0);
    if (hasRes) { w.u16(9); w.u16(1); w.bytes(new Uint8Array([i.tsresol!, 0, 0, 0])); }
    if (hasOffset) {
      const v = BigInt.asUintN(64, i.tsoffset!);
      w.u16(14); w.u16(8);
      if (le) { w.u32(Number(v & 0xffffffffn)); w.u32(Number(v >> 32n)); } else { w.u32(Number(v >> 32n)); w.u32(Number(v & 0xffffffffn)); }
    }
    if (hasOptions) { w.u16(0); w.u16(0); }
    w.u32(len);
  }
  if (opts.unknownBlocks) { w.u32(0x00000bad); w.u32(16); w.u32(0xdeadbeef); w.u32(16); }
  for (const f of frames) {
    const pad = (4 - (f.data.length % 4)) % 4;
    if (opts.simple) {
      const len = 16 + f.data.length + pad;
      w.u32(3); w.u32(len); w.u32(f.data.length); w.bytes(f.data); w.pad(pad); w.u32(len);
      continue;
    }
    const iface = ifaces[f.interfaceId ?? 0];
    const res = iface?.tsresol ?? 6;
    const units = res & 0x80 ? 2 ** (res & 0x7f) : 10 ** res;
    const ts = f.rawTs ?? BigInt(f.tsSec) * BigInt(units) + (BigInt(f.tsNsec) * BigInt(units)) / 1_000_000_000n;
    const len = 32 + f.data.length + pad;
    w.u32(6); w.u32(len); w.u32(f.interfaceId ?? 0); w.u32(Number(ts >> 32n)); w.u32(Number(ts & 0xffffffffn));
    w.u32(f.data.length); w.u32(f.data.length); w.bytes(f.data); w.pad(pad); w.u32(len);
  }
  return w.done();
}
