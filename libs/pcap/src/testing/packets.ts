// Test helpers: read tcpdump's pcap files and summarise TCP segments, so the binding's
// packets can be matched one for one with tcpdump's. Small and independent of
// libs/decoder on purpose: these tests check the capture layer, not the decoder.
import { readFileSync } from 'node:fs';

export interface TimedFrame {
  /** Timestamp in nanoseconds since the epoch. */
  ns: bigint;
  frame: Buffer;
}

export interface PcapFile {
  linkType: number;
  nanosecond: boolean;
  frames: TimedFrame[];
}

/** Classic pcap (tcpdump -w), either byte order, micro- or nanosecond. */
export function readPcapFile(path: string): PcapFile {
  const buf = readFileSync(path);
  if (buf.length < 24) throw new Error(`${path}: ${buf.length} bytes, no pcap header (did tcpdump start?)`);
  const magic = buf.readUInt32LE(0);
  let le: boolean;
  let nanosecond: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    le = true;
    nanosecond = magic === 0xa1b23c4d;
  } else {
    const be = buf.readUInt32BE(0);
    if (be !== 0xa1b2c3d4 && be !== 0xa1b23c4d) throw new Error(`${path}: not a pcap file`);
    le = false;
    nanosecond = be === 0xa1b23c4d;
  }
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20) & 0x0fffffff;
  const frames: TimedFrame[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const sec = u32(o);
    const frac = u32(o + 4);
    const incl = u32(o + 8);
    if (o + 16 + incl > buf.length) break; // tcpdump killed mid-write: the last record is partial
    frames.push({ ns: BigInt(sec) * 1_000_000_000n + BigInt(nanosecond ? frac : frac * 1000), frame: buf.subarray(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { linkType, nanosecond, frames };
}

export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_ACK = 0x10;

export interface TcpSegment {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  payload: number;
  /** Identifies the segment in two captures of the same traffic. */
  key: string;
}

/** Offset of the IPv4 header in a frame of link type 1 (Ethernet), 113 (Linux SLL) or 276 (SLL2). */
function ipv4Offset(linkType: number, frame: Buffer): number | undefined {
  let ip: number;
  let ethertype: number;
  if (linkType === 1) {
    ip = 14;
    ethertype = frame.readUInt16BE(12);
  } else if (linkType === 113) {
    ip = 16;
    ethertype = frame.readUInt16BE(14);
  } else if (linkType === 276) {
    ip = 20;
    ethertype = frame.readUInt16BE(0);
  } else {
    throw new Error(`link type ${linkType} not handled by this test helper`);
  }
  return ethertype === 0x0800 && frame.length >= ip + 20 ? ip : undefined;
}

/** "sport>dport payload-hex" of an IPv4 UDP datagram, else undefined. */
export function udpKey(linkType: number, frame: Buffer): string | undefined {
  const ip = ipv4Offset(linkType, frame);
  if (ip === undefined || frame[ip + 9] !== 17) return undefined;
  const u = ip + (frame[ip] & 0x0f) * 4;
  const end = ip + frame.readUInt16BE(ip + 2);
  return `${frame.readUInt16BE(u)}>${frame.readUInt16BE(u + 2)} ${frame.toString('hex', u + 8, end)}`;
}

/** The IPv4 TCP segment in a frame, else undefined. */
export function tcpSegment(linkType: number, frame: Buffer): TcpSegment | undefined {
  const ip = ipv4Offset(linkType, frame);
  if (ip === undefined || frame[ip + 9] !== 6) return undefined;
  const ihl = (frame[ip] & 0x0f) * 4;
  const total = frame.readUInt16BE(ip + 2);
  const t = ip + ihl;
  if (frame.length < t + 20) return undefined;
  const src = `${frame[ip + 12]}.${frame[ip + 13]}.${frame[ip + 14]}.${frame[ip + 15]}`;
  const dst = `${frame[ip + 16]}.${frame[ip + 17]}.${frame[ip + 18]}.${frame[ip + 19]}`;
  const sport = frame.readUInt16BE(t);
  const dport = frame.readUInt16BE(t + 2);
  const seq = frame.readUInt32BE(t + 4);
  const ack = frame.readUInt32BE(t + 8);
  const doff = (frame[t + 12] >> 4) * 4;
  const flags = frame[t + 13];
  const payload = total - ihl - doff;
  return { src, dst, sport, dport, seq, ack, flags, payload, key: `${src}:${sport}>${dst}:${dport} ${flags} ${seq} ${ack} ${payload}` };
}

export interface TimedSegment extends TcpSegment {
  ns: bigint;
}

/**
 * Wireshark's iRTT per client port: the SYN to the client's first ACK of the SYN-ACK
 * (nanoseconds), for connections to `serverPort` whose three packets were all seen.
 */
export function handshakeRtts(segments: TimedSegment[], serverPort: number): Map<number, bigint> {
  const syn = new Map<number, bigint>();
  const synAcked = new Set<number>();
  const rtt = new Map<number, bigint>();
  for (const s of segments) {
    if (s.dport === serverPort && s.flags & TH_SYN && !(s.flags & TH_ACK)) {
      syn.set(s.sport, s.ns);
    } else if (s.sport === serverPort && (s.flags & (TH_SYN | TH_ACK)) === (TH_SYN | TH_ACK)) {
      if (syn.has(s.dport)) synAcked.add(s.dport);
    } else if (s.dport === serverPort && s.flags & TH_ACK && !(s.flags & TH_SYN) && synAcked.has(s.sport) && !rtt.has(s.sport)) {
      rtt.set(s.sport, s.ns - syn.get(s.sport)!);
    }
  }
  return rtt;
}

/** Whether this process has a capability in its effective set (CAP_NET_RAW is 13, CAP_NET_ADMIN 12, CAP_SYS_ADMIN 21). */
export function hasCapability(bit: number): boolean {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapEff:'));
    if (!line) return false;
    return ((BigInt(`0x${line.split(/\s+/)[1]}`) >> BigInt(bit)) & 1n) === 1n;
  } catch {
    return false;
  }
}

export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;
export const CAP_SYS_ADMIN = 21;
