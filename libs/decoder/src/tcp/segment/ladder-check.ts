import type { AnomalyCode, Connection } from '../connection';

/**
 * Checks that passed, or that say what a segment did: what a reader of a Wireshark
 * tutorial confirms by hand. (The anomalies, AnomalyCode, are the checks that failed.)
 */
export type PassedCheckCode =
  | 'syn_from_server' // a pure SYN from the server side (simultaneous open?)
  | 'synack_acks_syn' // SYN-ACK's ack = SYN seq + 1
  | 'handshake_complete' // third packet: seq = SYN seq + 1, ack = SYN-ACK seq + 1
  | 'handshake_complete_synack_unseen' // an ACK continuing the SYN (seq = SYN seq + 1), no SYN-ACK captured
  | 'rst_refuses_syn' // a RST answering the SYN acks SYN seq + 1: connection refused
  | 'rst_in_handshake' // a RST, and the phase of the connection's first one
  | 'rst_in_established'
  | 'rst_in_closing'
  | 'fin_acked' // ack = FIN seq + 1
  | 'half_close_data'; // the first data sent after the peer's FIN

/** What a ladder step can carry: an anomaly (also counted on the connection) or a passed check. */
export type LadderCheckCode = AnomalyCode | PassedCheckCode;

/**
 * One check on one segment: its code and, for three codes, the numbers its words need:
 * synack_ack_mismatch [the ack relative to the SYN's seq], seq_gap [bytes not captured],
 * rst_seq_unexpected [the RST's relative seq, the sender's next relative seq].
 * Codes and numbers only: the words are the inspect command's.
 */
export interface LadderCheck {
  readonly code: LadderCheckCode;
  readonly values?: readonly number[];
}

/** Where a segment's steps put their checks: null when no ladder step is recorded (nothing is allocated). */
export type CheckSink = LadderCheck[] | null;

/** Record a passed check (with a ladder only). */
export function pass(checks: CheckSink, code: PassedCheckCode): void {
  if (checks !== null) checks.push({ code });
}

/**
 * Count an anomaly on the connection; with a ladder, record it with the numbers its
 * words need (`a`, `b`: computed by the caller either way, only numbers, never boxed).
 */
export function flag(c: Connection, checks: CheckSink, code: AnomalyCode, a?: number, b?: number): void {
  c.count(code);
  if (checks === null) return;
  if (a === undefined) checks.push({ code });
  else checks.push({ code, values: b === undefined ? [a] : [a, b] });
}
