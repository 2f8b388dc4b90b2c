import { nsBetween } from '../capture/raw-packet';
import type { DecodedPacket } from '../decoded-packet';
import { TcpFlag } from '../transport/tcp-flags';
import { CLIENT, SERVER, type AnomalyCode, type Connection, type ResetPhase, type Side } from './connection';
import { seqAdd, seqDiff, seqGt, seqRelative } from './seq';
import type { TcpEndpoint } from './tcp-endpoint';
import { EndpointState, zeekStateStep } from './zeek-state';

/** Zeek ignores SYN/RST sequence jumps larger than this when tracking the last sequence. */
const SEQ_JUMP_IGNORED = 1048576;

/**
 * Everything one segment tells about its connection: handshake timeline, sequence
 * checks, teardown and resets, Zeek's history and states, and (when asked) a ladder
 * step with the checks a reader of a Wireshark tutorial does by hand.
 */
export function recordSegment(c: Connection, side: Side, p: DecodedPacket, maxLadder: number): void {
  const peer = (side ^ 1) as Side;
  const flags = p.flags;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ack = (flags & TcpFlag.ACK) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const len = p.payloadLength;
  const notes: string[] | null = maxLadder > 0 ? [] : null;
  const me = c.endpoint(side);
  const other = c.endpoint(peer);

  c.lastSec = p.tsSec;
  c.lastNsec = p.tsNsec;
  me.packets++;
  me.payloadBytes += len;

  // Relative numbering (Wireshark's base_seq, Zeek's start_seq): the SYN's seq, or
  // seq - 1 for a side first seen mid-stream; an ACK tells the peer's base too.
  if (!me.hasBase) {
    me.base = syn ? p.seq : seqAdd(p.seq, -1);
    me.hasBase = true;
  }
  if (ack && !rst && !other.hasBase) {
    other.base = seqAdd(p.ack, -1);
    other.hasBase = true;
  }
  const relSeq = seqRelative(p.seq, me.base);

  // --- Handshake -----------------------------------------------------------------
  // iRTT (Wireshark's tcp.analysis.initial_rtt) runs from the most recent pure SYN to
  // the first ACK its sender sends back after the peer's SYN-ACK. Unlike Wireshark, an
  // ACK from the other side (a RST-ACK refusing the SYN, a bare ACK in place of the
  // SYN-ACK, server data sent ahead of the client's ACK) completes no handshake.
  if (syn && !ack) {
    if (side === CLIENT) {
      c.synCount++;
      if (c.synCount === 1) {
        c.synSeq = p.seq;
      } else if (p.seq === c.synSeq) {
        flag(c, notes, 'syn_retransmission', 'SYN retransmitted (same ISN)');
      }
    } else if (notes) {
      notes.push('SYN from the server side (simultaneous open?)');
    }
    c.mruSynSide = side;
    c.mruSynSeq = p.seq;
    c.mruSynSec = p.tsSec;
    c.mruSynNsec = p.tsNsec;
    c.serverNs = -1; // measured again from this SYN
  } else if (syn && ack) {
    c.synAckCount++;
    if (c.synAckCount === 1) c.synAckSeq = p.seq;
    if (c.mruSynSide === peer) {
      if (p.ack === seqAdd(c.mruSynSeq, 1)) notes?.push('ack = SYN seq + 1 ✓');
      else flag(c, notes, 'synack_ack_mismatch', `ack ${seqRelative(p.ack, c.mruSynSeq)} is not SYN seq + 1`);
      if (c.serverNs < 0) c.serverNs = nsBetween(c.mruSynSec, c.mruSynNsec, p.tsSec, p.tsNsec);
    }
    c.mruSynAckSide = side;
    c.mruSynAckSeq = p.seq;
    c.mruSynAckSec = p.tsSec;
    c.mruSynAckNsec = p.tsNsec;
  } else if (ack && !rst && !c.handshakeDone && side === c.mruSynSide) {
    // The initiator's first ACK after its SYN and the peer's SYN-ACK completes the
    // three-way handshake. A one-way capture (or a lost SYN-ACK) shows no SYN-ACK: an
    // ACK that continues the SYN (seq = SYN seq + 1) proves the SYN-ACK arrived.
    const synAcked = c.mruSynAckSide === peer;
    if (synAcked || p.seq === seqAdd(c.mruSynSeq, 1)) {
      c.handshakeDone = true;
      c.rttNs = nsBetween(c.mruSynSec, c.mruSynNsec, p.tsSec, p.tsNsec);
      if (synAcked) {
        c.clientNs = nsBetween(c.mruSynAckSec, c.mruSynAckNsec, p.tsSec, p.tsNsec);
        if (p.seq === seqAdd(c.mruSynSeq, 1) && p.ack === seqAdd(c.mruSynAckSeq, 1)) notes?.push('seq = SYN seq + 1, ack = SYN-ACK seq + 1 ✓ handshake complete');
        else flag(c, notes, 'handshake_ack_mismatch', 'third packet does not continue the SYN/SYN-ACK sequence numbers');
      } else {
        notes?.push('seq = SYN seq + 1 ✓ handshake complete (SYN-ACK not captured)');
      }
    }
  }

  // --- Resets (checked before this segment moves the sequence state) --------------
  if (rst) {
    me.rstCount++;
    if (c.firstRstSide === -1) {
      c.firstRstSide = side;
      c.resetPhase = resetPhase(c);
    }
    if (side === SERVER && c.synCount > 0 && c.synAckCount === 0) {
      if (ack && p.ack === seqAdd(c.synSeq, 1)) notes?.push('RST answers the SYN: ack = SYN seq + 1 ✓ connection refused');
      else flag(c, notes, 'rst_ack_mismatch', 'RST after a SYN does not ack SYN seq + 1');
    } else if (me.hasSeqEnd && p.seq !== me.seqEnd) {
      flag(c, notes, 'rst_seq_unexpected', `RST seq ${relSeq} is not the sender's next sequence number ${seqRelative(me.seqEnd, me.base)}`);
    } else if (notes) {
      notes.push(`RST in ${c.resetPhase ?? resetPhase(c)} phase`);
    }
  }

  // --- Zeek history letters (update_history), window, last-seq (T) ----------------
  c.zeekHistory.packet(side, flags, len, relSeq);
  if (p.window === 0 && !rst && !syn && other.zeekState !== EndpointState.Closed && me.zeekState !== EndpointState.Reset) {
    c.zeekHistory.scaledLetter(side, 'W');
    flag(c, notes, 'zero_window', 'zero window');
  }
  const segLen = (rst ? 0 : len) + (syn ? 1 : 0) + (fin ? 1 : 0);
  const end = seqAdd(p.seq, segLen);
  if (!me.hasSeqEnd) {
    me.seqEnd = end;
    me.hasSeqEnd = true;
  } else {
    const d = seqDiff(end, me.seqEnd);
    if ((syn || rst) && Math.abs(d) > SEQ_JUMP_IGNORED) {
      // ignored, as Zeek does
    } else if (me.zeekState === EndpointState.Reset) {
      // nothing moves after a reset
    } else if (d > 0) {
      if (!rst && seqGt(p.seq, me.seqEnd)) {
        flag(c, notes, 'seq_gap', `${seqDiff(p.seq, me.seqEnd)} bytes before this segment were not captured`);
        openHole(me, me.seqEnd, p.seq, p.tsSec, p.tsNsec);
      }
      me.seqEnd = end;
    } else if (len > 0 && !rst) {
      c.zeekHistory.scaledLetter(side, 'T'); // Zeek's T: any segment behind the highest sequence
      if (fillsHole(me, p.seq, len, p.tsSec, p.tsNsec, c.rttNs)) flag(c, notes, 'out_of_order', 'out-of-order (bytes not seen before, soon after later ones)');
      else flag(c, notes, 'retransmission', 'retransmission (nothing new in sequence space)');
    }
  }

  // --- Acknowledgments, FIN teardown, half-close ----------------------------------
  if (ack && !rst) {
    if (!other.hasAcked || seqGt(p.ack, other.ackedUpTo)) {
      other.ackedUpTo = p.ack;
      other.hasAcked = true;
    }
    if (other.hasSeqEnd && seqGt(p.ack, other.seqEnd)) flag(c, notes, 'ack_unseen_data', 'acknowledges data the capture never showed');
    if (other.finCount > 0 && !other.finAcked) {
      const expected = seqAdd(other.finSeq, 1);
      if (p.ack === expected) {
        other.finAcked = true;
        if (fin && me.finCount === 0) c.mergedFinAck = true; // FIN-ACK: three-packet close
        notes?.push(`ack = FIN seq + 1 ✓ (the FIN consumed one sequence number)`);
      } else if (seqGt(p.ack, expected)) {
        flag(c, notes, 'fin_ack_mismatch', 'acknowledges past the FIN + 1');
      }
    }
  }
  if (len > 0 && !rst) {
    if (me.finCount > 0 && seqGt(seqAdd(p.seq, len), me.finSeq)) flag(c, notes, 'data_after_fin', 'new data after its own FIN');
    if (other.finCount > 0 && !c.halfCloseData) {
      c.halfCloseData = true;
      notes?.push('half-close: still sending after the peer’s FIN');
    }
  }
  if (fin) {
    me.finCount++;
    if (me.finCount === 1) me.finSeq = seqAdd(p.seq, len);
  }
  if (p.options.malformed) flag(c, notes, 'bad_tcp_options', 'malformed TCP options');

  zeekStateStep(c.ep0, c.ep1, side, flags, len);

  if (c.ladder !== null && maxLadder > 0) {
    if (c.ladder.length < maxLadder) {
      c.ladder.push({
        frame: p.frame, tsSec: p.tsSec, tsNsec: p.tsNsec, from: side, flags, relSeq,
        relAck: ack && other.hasBase ? seqRelative(p.ack, other.base) : -1,
        length: len, window: p.window, notes: notes ?? [],
      });
    } else {
      c.ladderDropped++;
    }
  }
}

/** Holes (seq_gap) remembered per side at most; past it the oldest is forgotten. */
const MAX_HOLES = 4;

/** Wireshark's out-of-order threshold when the handshake gave no iRTT: 3 ms. */
const OOO_THRESHOLD_NS = 3e6;

/** Bytes `[start, end)` skipped by a segment seen at `sec/nsec`: a later segment there is out of order or resent. */
function openHole(ep: TcpEndpoint, start: number, end: number, sec: number, nsec: number): void {
  const h = (ep.holes ??= []);
  if (h.length >= MAX_HOLES * 4) h.splice(0, 4);
  h.push(start, end, sec, nsec);
}

/**
 * A segment behind the highest sequence number is out of order (Wireshark's
 * tcp.analysis.out_of_order) when it brings bytes the capture had not shown, starting in
 * a hole a later segment left, within the iRTT (else 3 ms) of that later segment:
 * reordered on the way, not resent. Otherwise (bytes seen before, or filling a hole late,
 * after the original was lost before the capture point) it is a retransmission.
 */
function fillsHole(ep: TcpEndpoint, seq: number, len: number, sec: number, nsec: number, rttNs: number): boolean {
  const h = ep.holes;
  if (h === null) return false;
  for (let i = 0; i < h.length; i += 4) {
    const start = h[i];
    const end = h[i + 1];
    if (seqDiff(seq, start) < 0 || seqDiff(seq, end) >= 0) continue;
    const inTime = nsBetween(h[i + 2], h[i + 3], sec, nsec) < (rttNs > 0 ? rttNs : OOO_THRESHOLD_NS);
    const fillEnd = seqAdd(seq, len);
    // What is left of the hole: below the segment, above it, both (split), or nothing.
    const below = seqDiff(seq, start) > 0;
    const above = seqDiff(end, fillEnd) > 0;
    if (below && above && h.length < MAX_HOLES * 4) h.push(fillEnd, end, h[i + 2], h[i + 3]);
    if (below) h[i + 1] = seq;
    else if (above) h[i] = fillEnd;
    else h.splice(i, 4);
    return inTime;
  }
  return false;
}

/** Count an anomaly; with a ladder, note it too. (Not a closure: this runs per packet.) */
function flag(c: Connection, notes: string[] | null, code: AnomalyCode, note: string): void {
  c.count(code);
  if (notes) notes.push(`! ${note}`);
}

function resetPhase(c: Connection): ResetPhase {
  if (c.ep0.finCount + c.ep1.finCount > 0) return 'closing';
  if (c.synCount + c.synAckCount > 0 && !c.handshakeDone) return 'handshake';
  return 'established';
}
