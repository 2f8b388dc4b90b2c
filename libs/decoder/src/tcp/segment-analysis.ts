// One TCP segment through its connection: a pipeline of steps, one concern each, each in
// its own file under segment/ (named for the concern, so the folder lists the data's
// path). They run in this order, and the order is behaviour: a step reads what the ones
// before it wrote (the reset checks see the sequence space before the sequence step
// moves it; Zeek's states move last, after every step has read them).
//
//   numbering-step   relative numbering bases (Wireshark's base_seq, Zeek's start_seq)
//   handshake-step   SYN, SYN-ACK, the initiator's ACK: timeline, iRTT, their checks
//   reset-step       RST: first sender and phase, checked against the SYN or next seq
//   history-step     Zeek's history letters, zero window
//   sequence-step    highest sequence, gaps, out of order vs retransmission (seq-holes)
//   teardown-step    acknowledgments (of data and FINs), then FINs and data around them
//   options-step     malformed TCP options
//   zeekStateStep    Zeek's endpoint states (zeek-state.ts)
//   ladder-step      the segment's ladder line, when a ladder is recorded
//
// Steps record checks as codes and numbers (segment/ladder-check.ts), never words: the
// inspect command words them. Without a ladder the sink is null and nothing is allocated.
import type { DecodedPacket } from '../decoded-packet';
import { TcpFlag } from '../transport/tcp-flags';
import type { Connection, Side } from './connection';
import { handshakeStep } from './segment/handshake-step';
import { historyStep } from './segment/history-step';
import type { LadderCheck } from './segment/ladder-check';
import { ladderStep } from './segment/ladder-step';
import { numberingStep } from './segment/numbering-step';
import { optionsStep } from './segment/options-step';
import { resetStep } from './segment/reset-step';
import { sequenceStep } from './segment/sequence-step';
import { acknowledgmentStep, finStep } from './segment/teardown-step';
import { zeekStateStep } from './zeek-state';

/**
 * Everything one segment tells about its connection: handshake timeline, sequence
 * checks, teardown and resets, Zeek's history and states, and (when `maxLadder` > 0 and
 * the connection keeps a ladder) a ladder step with the checks a reader of a Wireshark
 * tutorial does by hand.
 */
export function recordSegment(c: Connection, side: Side, p: DecodedPacket, maxLadder: number): void {
  const checks: LadderCheck[] | null = maxLadder > 0 && c.ladder !== null ? [] : null;
  c.lastSec = p.tsSec;
  c.lastNsec = p.tsNsec;
  const me = c.endpoint(side);
  me.packets++;
  me.payloadBytes += p.payloadLength;
  // Each guard skips a step with nothing to do, so that an established connection's
  // segment (most packets) makes few calls: a call costs more than such a step's work.
  if (!c.ep0.hasBase || !c.ep1.hasBase) numberingStep(c, side, p);
  if ((p.flags & TcpFlag.SYN) !== 0 || !c.handshakeDone) handshakeStep(c, side, p, checks);
  if ((p.flags & TcpFlag.RST) !== 0) resetStep(c, side, p, checks);
  historyStep(c, side, p, checks);
  sequenceStep(c, side, p, checks);
  if ((p.flags & (TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.ACK) acknowledgmentStep(c, side, p, checks);
  if ((p.flags & TcpFlag.FIN) !== 0 || c.ep0.finCount + c.ep1.finCount > 0) finStep(c, side, p, checks);
  optionsStep(c, p, checks);
  zeekStateStep(c.ep0, c.ep1, side, p.flags, p.payloadLength);
  if (checks !== null) ladderStep(c, side, p, checks, maxLadder);
}
