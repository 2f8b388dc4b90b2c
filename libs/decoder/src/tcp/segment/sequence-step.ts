import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import type { Connection, Side } from '../connection';
import { seqAdd, seqDiff, seqGt } from '../seq';
import type { TcpEndpoint } from '../tcp-endpoint';
import { EndpointState } from '../zeek-state';
import { flag, type CheckSink } from './ladder-check';
import { fillsHole, openHole } from './seq-holes';

/** Zeek ignores SYN/RST sequence jumps larger than this when tracking the last sequence. */
const SEQ_JUMP_IGNORED = 1048576;

/**
 * The sender's highest sequence number (+ length; SYN and FIN count one). A segment past
 * it that skips bytes leaves a gap (a hole: seq-holes.ts); one behind it with payload is
 * Zeek's T, and out of order when it fills a hole in time, else a retransmission.
 */
export function sequenceStep(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const me = c.endpoint(side);
  const rst = (p.flags & TcpFlag.RST) !== 0;
  const end = seqAdd(p.seq, (rst ? 0 : p.payloadLength) + ((p.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((p.flags & TcpFlag.FIN) !== 0 ? 1 : 0));
  if (!me.hasSeqEnd) {
    me.seqEnd = end;
    me.hasSeqEnd = true;
    return;
  }
  const d = seqDiff(end, me.seqEnd);
  if ((p.flags & (TcpFlag.SYN | TcpFlag.RST)) !== 0 && Math.abs(d) > SEQ_JUMP_IGNORED) return; // ignored, as Zeek does
  if (me.zeekState === EndpointState.Reset) return; // nothing moves after a reset
  if (d > 0) {
    if (!rst && seqGt(p.seq, me.seqEnd)) seqGap(c, me, p, checks);
    me.seqEnd = end;
  } else if (p.payloadLength > 0 && !rst) {
    behindHighest(c, side, p, checks);
  }
}

/** Bytes between the highest sequence so far and this segment were not captured: counted, and remembered as a hole. */
function seqGap(c: Connection, me: TcpEndpoint, p: DecodedPacket, checks: CheckSink): void {
  flag(c, checks, 'seq_gap', seqDiff(p.seq, me.seqEnd));
  openHole(me, me.seqEnd, p.seq, p.tsSec, p.tsNsec);
}

/** Payload behind the highest sequence: Zeek's T; out of order if it fills a hole in time, else resent. */
function behindHighest(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  c.zeekHistory.scaledLetter(side, 'T');
  if (fillsHole(c.endpoint(side), p.seq, p.payloadLength, p.tsSec, p.tsNsec, c.rttNs)) flag(c, checks, 'out_of_order');
  else flag(c, checks, 'retransmission');
}
