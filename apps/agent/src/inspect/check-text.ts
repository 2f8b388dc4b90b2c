import type { AnomalyCode, LadderCheck, PassedCheckCode } from '@shakewatch/decoder';

/** A check's words: fixed, or made from the numbers the decoder recorded with it. */
type Words = string | ((values: readonly number[]) => string);

/** Checks that passed, in the words of the Wireshark walkthroughs. */
export const PASSED_TEXT: Readonly<Record<PassedCheckCode, Words>> = {
  syn_from_server: 'SYN from the server side (simultaneous open?)',
  synack_acks_syn: 'ack = SYN seq + 1 ✓',
  handshake_complete: 'seq = SYN seq + 1, ack = SYN-ACK seq + 1 ✓ handshake complete',
  handshake_complete_synack_unseen: 'seq = SYN seq + 1 ✓ handshake complete (SYN-ACK not captured)',
  rst_refuses_syn: 'RST answers the SYN: ack = SYN seq + 1 ✓ connection refused',
  rst_in_handshake: 'RST in handshake phase',
  rst_in_established: 'RST in established phase',
  rst_in_closing: 'RST in closing phase',
  fin_acked: 'ack = FIN seq + 1 ✓ (the FIN consumed one sequence number)',
  half_close_data: 'half-close: still sending after the peer’s FIN',
};

/** Anomalies (the connection counts them too); the ladder marks them with "! ". */
export const ANOMALY_TEXT: Readonly<Record<AnomalyCode, Words>> = {
  syn_retransmission: 'SYN retransmitted (same ISN)',
  synack_ack_mismatch: ([ack]) => `ack ${ack} is not SYN seq + 1`,
  handshake_ack_mismatch: 'third packet does not continue the SYN/SYN-ACK sequence numbers',
  rst_ack_mismatch: 'RST after a SYN does not ack SYN seq + 1',
  rst_seq_unexpected: ([seq, next]) => `RST seq ${seq} is not the sender's next sequence number ${next}`,
  zero_window: 'zero window',
  seq_gap: ([bytes]) => `${bytes} bytes before this segment were not captured`,
  out_of_order: 'out-of-order (bytes not seen before, soon after later ones)',
  retransmission: 'retransmission (nothing new in sequence space)',
  ack_unseen_data: 'acknowledges data the capture never showed',
  fin_ack_mismatch: 'acknowledges past the FIN + 1',
  data_after_fin: 'new data after its own FIN',
  bad_tcp_options: 'malformed TCP options',
};

const NO_VALUES: readonly number[] = [];

/** One check of a ladder step, as the ladder prints it. */
export function checkText(check: LadderCheck): string {
  const anomaly = Object.hasOwn(ANOMALY_TEXT, check.code);
  const words = anomaly ? ANOMALY_TEXT[check.code as AnomalyCode] : PASSED_TEXT[check.code as PassedCheckCode];
  const text = typeof words === 'string' ? words : words(check.values ?? NO_VALUES);
  return anomaly ? `! ${text}` : text;
}
