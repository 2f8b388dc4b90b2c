import type { DecodedPacket } from '../decoded-packet';
import type { Connection, Side } from '../tcp/connection';
import { TcpFlag } from '../transport/tcp-flags';
import { opensHttp } from './plaintext-detection';
import { sessionOf, type ReassemblyPair, type ReassemblyPool } from './reassembly-pool';

export { TLS_REASSEMBLY_CAP } from './reassembly-pool';

/**
 * Feed one segment's payload to the connection's TLS session: straight while each side's
 * bytes come in order, else through per-direction reassembly. Once the session has what it needs (handshake over, failed, or not TLS),
 * the reassemblers are dropped and later segments cost one check.
 *
 * Cheap for what is not TLS, which is most connections: the session is made when the
 * first bytes arrive (a refused or empty connection never has one), and a finished
 * session that found no TLS hello and noted no message is let go at once, since
 * nothing shows it (`c.tls` null reads the same as a session without TLS).
 */
export function feedTls(c: Connection, side: Side, p: DecodedPacket, pool: ReassemblyPool): void {
  if (c.tlsDone) return;
  const flags = p.flags;
  let r = c.reassembly;
  if (r === null) {
    // No reassembly before the first bytes: a SYN only tells where its side's stream starts
    // (kept in two numbers). Made at the first SYN, it lived through the handshake and past
    // a garbage collection or two for every connection, most of them never TLS.
    if ((p.payloadLength === 0 || flags & TcpFlag.RST) && !startsAnother(c, side, p)) return;
    if (c.tls === null && firstBytesOpenHttp(c, side, p)) {
      c.tlsDone = true;
      return;
    }
    // Nor while each side's bytes come in order: they go to the session as they are.
    if (deliveredInOrder(c, side, p, pool.recordMessages)) return finishIfDone(c, null, pool);
    r = c.reassembly = newReassembly(c, pool);
  }
  if (flags & TcpFlag.SYN) r[side].start((p.seq + 1) >>> 0);
  if (flags & TcpFlag.ACK && !(flags & TcpFlag.RST)) r[side ^ 1].acked(p.ack);
  if (p.payloadLength > 0 && !(flags & TcpFlag.RST)) {
    const seq = flags & TcpFlag.SYN ? (p.seq + 1) >>> 0 : p.seq;
    r[side].segment(seq, p.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadCaptured));
    snaplenGap(c, side, p, pool.recordMessages);
  }
  finishIfDone(c, r, pool);
}

/**
 * Snaplen cut the payload: those bytes are gone. In a frame captured whole, an IP length
 * past its end is a bogus header (ndpi/tls_invalid_reads.pcap: a 66-byte SYN-ACK that
 * claims 4148), not missing stream bytes; tshark, too, counts only what is there.
 */
function snaplenGap(c: Connection, side: Side, p: DecodedPacket, recordMessages: boolean): void {
  if (p.payloadCaptured < p.payloadLength && p.frameCut) sessionOf(c, recordMessages).gap(side);
}

/**
 * With no reassembly yet: a segment of bytes (no SYN, no RST) exactly where its side's stream
 * goes on (or the side's first, its start unknown) goes straight to the session, and true.
 * Anything else (ahead, behind, a SYN with data, nothing captured) is for a reassembler,
 * made then and told where each side's stream is (newReassembly).
 */
function deliveredInOrder(c: Connection, side: Side, p: DecodedPacket, recordMessages: boolean): boolean {
  if (p.flags & (TcpFlag.SYN | TcpFlag.RST) || p.payloadCaptured === 0) return false;
  const t = c.tls;
  const next = t === null ? -1 : t.streamNext(side);
  const expected = next !== -1 ? next : side === 0 ? c.tlsStart0 : c.tlsStart1;
  if (expected !== -1 && p.seq !== expected) return false;
  const s = sessionOf(c, recordMessages);
  s.setStreamNext(side, p.seq + p.payloadCaptured);
  s.data(side, p.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadCaptured), c.lastSec, c.lastNsec);
  snaplenGap(c, side, p, recordMessages);
  return true;
}

/** Once the session has what it needs: reassembly given back, and a session that found no TLS let go. */
function finishIfDone(c: Connection, r: ReassemblyPair | null, pool: ReassemblyPool): void {
  const t = c.tls;
  if (t !== null && t.done) {
    if (r !== null) releaseReassembly(c, pool);
    c.tlsDone = true;
    if (!t.isTls && (t.messages === null || t.messages.length === 0)) c.tls = null;
  }
}

/** What reassembly (both sides' reassemblers and sinks) costs beside the bytes held, about. */
const REASSEMBLY_BYTES = 1024;

/** About the bytes a connection's TLS analysis holds (the tracker's memory budget). */
export function tlsHeldBytes(c: Connection): number {
  const r = c.reassembly;
  let n = r === null ? 0 : REASSEMBLY_BYTES + r[0].heldBytes + r[1].heldBytes;
  // Bytes delivered in order with no reassembler made count as the reassembly made for them
  // did (made at the first bytes, until done): the budget sheds as it did.
  if (r === null && c.tls !== null && !c.tlsDone) n = REASSEMBLY_BYTES;
  if (c.tls !== null) n += c.tls.heldBytes;
  else if (c.tlsSummary !== undefined) n += TLS_SUMMARY_BYTES;
  return n;
}

/** About what a TLS summary made early costs (strings for fingerprints, names, certificates). */
const TLS_SUMMARY_BYTES = 1024;

/** The connection holds out-of-order bytes waiting for a hole to fill. */
export function holdsOutOfOrder(c: Connection): boolean {
  const r = c.reassembly;
  return r !== null && (r[0].heldBytes > 0 || r[1].heldBytes > 0);
}

/**
 * The memory budget takes the out-of-order bytes back: each side's hole and held bytes
 * become a gap (the session stops reading that side). Returns the bytes let go.
 */
export function shedOutOfOrder(c: Connection, pool: ReassemblyPool): number {
  const r = c.reassembly;
  if (r === null) return 0;
  const n = r[0].shed() + r[1].shed();
  finishIfDone(c, r, pool);
  return n;
}

/** The connection's reassembly (if any) stopped, let go and given back to the pool. */
export function releaseReassembly(c: Connection, pool: ReassemblyPool): void {
  const r = c.reassembly;
  if (r === null) return;
  r[0].stop();
  r[1].stop();
  c.reassembly = null;
  pool.give(r);
}

/**
 * Remembers a SYN's stream start while no reassembly exists; true when the side already
 * had another one (a SYN sent again with a new ISN): the reassembler sorts those out.
 */
function startsAnother(c: Connection, side: Side, p: DecodedPacket): boolean {
  if (!(p.flags & TcpFlag.SYN)) return false;
  const start = (p.seq + 1) >>> 0;
  const known = side === 0 ? c.tlsStart0 : c.tlsStart1;
  if (known === -1) {
    if (side === 0) c.tlsStart0 = start;
    else c.tlsStart1 = start;
    return false;
  }
  return known !== start;
}

/**
 * This segment carries its side's first stream bytes, in order and first of both sides
 * (no reassembly yet), and they open HTTP/1: the session would stop at once (opensHttp).
 */
function firstBytesOpenHttp(c: Connection, side: Side, p: DecodedPacket): boolean {
  if (p.flags & (TcpFlag.SYN | TcpFlag.RST)) return false;
  const start = side === 0 ? c.tlsStart0 : c.tlsStart1;
  if (start !== -1 && p.seq !== start) return false;
  return opensHttp(p.data, p.payloadOffset, p.payloadCaptured, side);
}

/**
 * Both sides' reassemblers, told the stream starts seen so far (as if made at the first SYN),
 * and where a side's in-order bytes delivered without one got to.
 */
function newReassembly(c: Connection, pool: ReassemblyPool): ReassemblyPair {
  const r = pool.take(c);
  const next0 = c.tls === null ? -1 : c.tls.streamNext(0);
  const next1 = c.tls === null ? -1 : c.tls.streamNext(1);
  if (next0 !== -1) r[0].resume(next0);
  else if (c.tlsStart0 !== -1) r[0].start(c.tlsStart0);
  if (next1 !== -1) r[1].resume(next1);
  else if (c.tlsStart1 !== -1) r[1].start(c.tlsStart1);
  return r;
}
