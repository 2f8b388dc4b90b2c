// Test-only: build Ethernet/IPv4|IPv6/TCP frames for tracker rules that need exact
// sequences (port reuse, caps, timeouts). Checksums are not computed (nothing checks them).
import { TcpFlag } from '../transport/tcp-flags';

export interface Segment {
  from: 'c' | 's';
  flags: number;
  seq: number;
  ack?: number;
  payload?: number;
  window?: number;
  t: number; // seconds since capture start (float)
}

export const F = TcpFlag;

export interface Endpoints { client: number[]; server: number[]; clientPort: number; serverPort: number }

export const V4: Endpoints = { client: [10, 0, 0, 1], server: [10, 0, 0, 2], clientPort: 40000, serverPort: 80 };

export function ethernetIpv4Tcp(src: number[], dst: number[], sport: number, dport: number, s: Segment): Uint8Array {
  const payload = s.payload ?? 0;
  const ipLen = 20 + 20 + payload;
  const b = new Uint8Array(14 + ipLen);
  b.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00], 0);
  const ip = 14;
  b.set([0x45, 0, ipLen >> 8, ipLen & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0], ip);
  b.set(src, ip + 12);
  b.set(dst, ip + 16);
  const t = ip + 20;
  const dv = new DataView(b.buffer);
  dv.setUint16(t, sport);
  dv.setUint16(t + 2, dport);
  dv.setUint32(t + 4, s.seq >>> 0);
  dv.setUint32(t + 8, (s.ack ?? 0) >>> 0);
  b[t + 12] = 5 << 4;
  b[t + 13] = s.flags & 0xff;
  dv.setUint16(t + 14, s.window ?? 65535);
  return b;
}

/** Frames for a conversation between the two endpoints, in the order given. */
export function conversation(e: Endpoints, segments: Segment[], startSec = 1_700_000_000): { data: Uint8Array; tsSec: number; tsNsec: number }[] {
  return segments.map((s) => {
    const fromClient = s.from === 'c';
    const data = fromClient
      ? ethernetIpv4Tcp(e.client, e.server, e.clientPort, e.serverPort, s)
      : ethernetIpv4Tcp(e.server, e.client, e.serverPort, e.clientPort, s);
    const whole = Math.floor(s.t);
    return { data, tsSec: startSec + whole, tsNsec: Math.round((s.t - whole) * 1e9) };
  });
}
