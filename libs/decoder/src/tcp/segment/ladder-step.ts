import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import type { Connection, LadderStep, Side } from '../connection';
import { seqRelative } from '../seq';
import type { LadderCheck } from './ladder-check';

/** Shared by the ladder steps without checks. */
const NO_CHECKS: readonly LadderCheck[] = Object.freeze([]);

/** The segment's line of the ladder, with the checks the steps before recorded; past `maxLadder` lines, counted. */
export function ladderStep(c: Connection, side: Side, p: DecodedPacket, checks: LadderCheck[], maxLadder: number): void {
  const ladder = c.ladder as LadderStep[];
  if (ladder.length >= maxLadder) {
    c.ladderDropped++;
    return;
  }
  const other = c.endpoint((side ^ 1) as Side);
  ladder.push({
    frame: p.frame, tsSec: p.tsSec, tsNsec: p.tsNsec, from: side, flags: p.flags,
    relSeq: seqRelative(p.seq, c.endpoint(side).base),
    relAck: (p.flags & TcpFlag.ACK) !== 0 && other.hasBase ? seqRelative(p.ack, other.base) : -1,
    length: p.payloadLength, window: p.window, checks: checks.length > 0 ? checks : NO_CHECKS,
  });
}
