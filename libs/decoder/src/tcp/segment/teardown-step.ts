import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import type { Connection, Side } from '../connection';
import { seqAdd, seqGt } from '../seq';
import { flag, pass, type CheckSink } from './ladder-check';

// Acknowledgments and FIN teardown: what a segment acknowledges of the peer's data and
// FIN (every ACK), then, once a FIN is in sight, the data sent around FINs and its own FIN.

/** An ACK (not a RST): moves the peer's acknowledged point (Zeek's endpoint size); checks it against the data and FIN seen. */
export function acknowledgmentStep(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const other = c.endpoint((side ^ 1) as Side);
  if (!other.hasAcked || seqGt(p.ack, other.ackedUpTo)) {
    other.ackedUpTo = p.ack;
    other.hasAcked = true;
  }
  if (other.hasSeqEnd && seqGt(p.ack, other.seqEnd)) flag(c, checks, 'ack_unseen_data');
  if (other.finCount > 0 && !other.finAcked) finAcknowledgment(c, side, p, checks);
}

/** The ack of the peer's FIN must be its seq + 1 (the FIN takes one); with this side's first FIN, a three-packet close. */
function finAcknowledgment(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const other = c.endpoint((side ^ 1) as Side);
  const expected = seqAdd(other.finSeq, 1);
  if (p.ack === expected) {
    other.finAcked = true;
    if ((p.flags & TcpFlag.FIN) !== 0 && c.endpoint(side).finCount === 0) c.mergedFinAck = true; // FIN-ACK: three-packet close
    pass(checks, 'fin_acked');
  } else if (seqGt(p.ack, expected)) {
    flag(c, checks, 'fin_ack_mismatch');
  }
}

/**
 * A FIN, or any segment once either side sent one: new data after the sender's own FIN
 * is wrong, after the peer's FIN it is a half-close (noted once); a FIN is counted and
 * its first one's sequence number kept.
 */
export function finStep(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const me = c.endpoint(side);
  if (p.payloadLength > 0 && (p.flags & TcpFlag.RST) === 0) {
    if (me.finCount > 0 && seqGt(seqAdd(p.seq, p.payloadLength), me.finSeq)) flag(c, checks, 'data_after_fin');
    if (c.endpoint((side ^ 1) as Side).finCount > 0 && !c.halfCloseData) {
      c.halfCloseData = true;
      pass(checks, 'half_close_data');
    }
  }
  if ((p.flags & TcpFlag.FIN) !== 0) {
    me.finCount++;
    if (me.finCount === 1) me.finSeq = seqAdd(p.seq, p.payloadLength);
  }
}
