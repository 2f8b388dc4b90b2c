import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import { SERVER, type Connection, type ResetPhase, type Side } from '../connection';
import { seqAdd, seqRelative } from '../seq';
import { flag, pass, type CheckSink, type PassedCheckCode } from './ladder-check';

const RST_IN_PHASE: Record<ResetPhase, PassedCheckCode> = {
  handshake: 'rst_in_handshake',
  established: 'rst_in_established',
  closing: 'rst_in_closing',
};

/**
 * A RST (the step runs for those only): counted, the connection's first one gives its
 * sender and phase; checked against the SYN it refuses or the sender's next sequence
 * number (so before the sequence step moves it).
 */
export function resetStep(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const me = c.endpoint(side);
  me.rstCount++;
  if (c.firstRstSide === -1) {
    c.firstRstSide = side;
    c.resetPhase = resetPhase(c);
  }
  if (side === SERVER && c.synCount > 0 && c.synAckCount === 0) {
    if ((p.flags & TcpFlag.ACK) !== 0 && p.ack === seqAdd(c.synSeq, 1)) pass(checks, 'rst_refuses_syn');
    else flag(c, checks, 'rst_ack_mismatch');
  } else if (me.hasSeqEnd && p.seq !== me.seqEnd) {
    flag(c, checks, 'rst_seq_unexpected', seqRelative(p.seq, me.base), seqRelative(me.seqEnd, me.base));
  } else {
    pass(checks, RST_IN_PHASE[c.resetPhase ?? resetPhase(c)]);
  }
}

function resetPhase(c: Connection): ResetPhase {
  if (c.ep0.finCount + c.ep1.finCount > 0) return 'closing';
  if (c.synCount + c.synAckCount > 0 && !c.handshakeDone) return 'handshake';
  return 'established';
}
