import type { DecodedPacket } from '../decoded-packet';
import type { Connection, Side } from '../tcp/connection';
import { StreamReassembler } from '../tcp/stream-reassembler';
import { TcpFlag } from '../transport/tcp-flags';
import { TlsSession } from './tls-session';

/** Byte cap per direction for handshake reassembly (out-of-order bytes held). */
export const TLS_REASSEMBLY_CAP = 256 * 1024;

/**
 * Feed one segment's payload to the connection's TLS session through per-direction
 * reassembly. Once the session has what it needs (handshake over, failed, or not TLS),
 * the reassemblers are dropped and later segments cost one check.
 */
export function feedTls(c: Connection, side: Side, p: DecodedPacket, recordMessages: boolean): void {
  if (c.tlsDone) return;
  if (c.tls === null) {
    const session = new TlsSession(recordMessages);
    c.tls = session;
    const sink = (s: Side) => ({
      data: (bytes: Uint8Array) => session.data(s, bytes, c.lastSec, c.lastNsec),
      gap: () => session.gap(s),
    });
    c.reassembly = [new StreamReassembler(sink(0), TLS_REASSEMBLY_CAP), new StreamReassembler(sink(1), TLS_REASSEMBLY_CAP)];
  }
  const r = c.reassembly!;
  const flags = p.flags;
  if (flags & TcpFlag.SYN) r[side].start((p.seq + 1) >>> 0);
  if (flags & TcpFlag.ACK && !(flags & TcpFlag.RST)) r[side ^ 1].acked(p.ack);
  if (p.payloadLength > 0 && !(flags & TcpFlag.RST)) {
    const seq = flags & TcpFlag.SYN ? (p.seq + 1) >>> 0 : p.seq;
    r[side].segment(seq, p.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadCaptured));
    if (p.payloadCaptured < p.payloadLength) c.tls.gap(side); // snaplen cut the payload
  }
  if (c.tls.done) {
    r[0].stop();
    r[1].stop();
    c.reassembly = null;
    c.tlsDone = true;
  }
}
