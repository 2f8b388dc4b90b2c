import { nsBetween } from '../../time';
import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import { CLIENT, type Connection, type Side } from '../connection';
import { seqAdd, seqRelative } from '../seq';
import { flag, pass, type CheckSink } from './ladder-check';

/**
 * The handshake's timeline and checks. iRTT (Wireshark's tcp.analysis.initial_rtt) runs
 * from the most recent pure SYN to the first ACK its sender sends back after the peer's
 * SYN-ACK. Unlike Wireshark, an ACK from the other side (a RST-ACK refusing the SYN, a
 * bare ACK in place of the SYN-ACK, server data sent ahead of the client's ACK)
 * completes no handshake.
 */
export function handshakeStep(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const synAck = p.flags & (TcpFlag.SYN | TcpFlag.ACK);
  if (synAck === TcpFlag.SYN) onSyn(c, side, p, checks);
  else if (synAck === (TcpFlag.SYN | TcpFlag.ACK)) onSynAck(c, side, p, checks);
  else if (synAck === TcpFlag.ACK && (p.flags & TcpFlag.RST) === 0 && !c.handshakeDone && side === c.mruSynSide) onInitiatorAck(c, side, p, checks);
}

/** A pure SYN: the client's are counted (a resent one keeps its ISN); any side's restarts the timing. */
function onSyn(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  if (side === CLIENT) {
    c.synCount++;
    if (c.synCount === 1) c.synSeq = p.seq;
    else if (p.seq === c.synSeq) flag(c, checks, 'syn_retransmission');
  } else {
    pass(checks, 'syn_from_server');
  }
  c.mruSynSide = side;
  c.mruSynSeq = p.seq;
  c.mruSynSec = p.tsSec;
  c.mruSynNsec = p.tsNsec;
  c.serverNs = -1; // measured again from this SYN
}

/** A SYN-ACK: it must ack the peer's SYN seq + 1; SYN -> SYN-ACK is the server's time. */
function onSynAck(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  c.synAckCount++;
  if (c.synAckCount === 1) c.synAckSeq = p.seq;
  if (c.mruSynSide === (side ^ 1)) {
    if (p.ack === seqAdd(c.mruSynSeq, 1)) pass(checks, 'synack_acks_syn');
    else flag(c, checks, 'synack_ack_mismatch', seqRelative(p.ack, c.mruSynSeq));
    if (c.serverNs < 0) c.serverNs = nsBetween(c.mruSynSec, c.mruSynNsec, p.tsSec, p.tsNsec);
  }
  c.mruSynAckSide = side;
  c.mruSynAckSeq = p.seq;
  c.mruSynAckSec = p.tsSec;
  c.mruSynAckNsec = p.tsNsec;
}

/**
 * The initiator's first ACK after its SYN and the peer's SYN-ACK completes the three-way
 * handshake. A one-way capture (or a lost SYN-ACK) shows no SYN-ACK: an ACK that
 * continues the SYN (seq = SYN seq + 1) proves the SYN-ACK arrived.
 */
function onInitiatorAck(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const synAcked = c.mruSynAckSide === (side ^ 1);
  const continuesSyn = p.seq === seqAdd(c.mruSynSeq, 1);
  if (!synAcked && !continuesSyn) return;
  c.handshakeDone = true;
  c.rttNs = nsBetween(c.mruSynSec, c.mruSynNsec, p.tsSec, p.tsNsec);
  if (!synAcked) {
    pass(checks, 'handshake_complete_synack_unseen');
    return;
  }
  c.clientNs = nsBetween(c.mruSynAckSec, c.mruSynAckNsec, p.tsSec, p.tsNsec);
  if (continuesSyn && p.ack === seqAdd(c.mruSynAckSeq, 1)) pass(checks, 'handshake_complete');
  else flag(c, checks, 'handshake_ack_mismatch');
}
