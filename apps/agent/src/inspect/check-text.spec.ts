import type { LadderCheckCode } from '@shakewatch/decoder';
import { ANOMALY_TEXT, checkText, PASSED_TEXT } from './check-text';

// The ladder's words for every check code, as inspect printed them when the decoder still
// wrote them itself (the same text on every fixture and corpus capture). The sample
// numbers stand for the ones the decoder records with the check.
const WORDS: Record<LadderCheckCode, [values: number[] | undefined, words: string]> = {
  syn_from_server: [undefined, 'SYN from the server side (simultaneous open?)'],
  synack_acks_syn: [undefined, 'ack = SYN seq + 1 ✓'],
  handshake_complete: [undefined, 'seq = SYN seq + 1, ack = SYN-ACK seq + 1 ✓ handshake complete'],
  handshake_complete_synack_unseen: [undefined, 'seq = SYN seq + 1 ✓ handshake complete (SYN-ACK not captured)'],
  rst_refuses_syn: [undefined, 'RST answers the SYN: ack = SYN seq + 1 ✓ connection refused'],
  rst_in_handshake: [undefined, 'RST in handshake phase'],
  rst_in_established: [undefined, 'RST in established phase'],
  rst_in_closing: [undefined, 'RST in closing phase'],
  fin_acked: [undefined, 'ack = FIN seq + 1 ✓ (the FIN consumed one sequence number)'],
  half_close_data: [undefined, 'half-close: still sending after the peer’s FIN'],
  syn_retransmission: [undefined, '! SYN retransmitted (same ISN)'],
  synack_ack_mismatch: [[5], '! ack 5 is not SYN seq + 1'],
  handshake_ack_mismatch: [undefined, '! third packet does not continue the SYN/SYN-ACK sequence numbers'],
  rst_ack_mismatch: [undefined, '! RST after a SYN does not ack SYN seq + 1'],
  rst_seq_unexpected: [[4999, 1], "! RST seq 4999 is not the sender's next sequence number 1"],
  zero_window: [undefined, '! zero window'],
  seq_gap: [[100], '! 100 bytes before this segment were not captured'],
  out_of_order: [undefined, '! out-of-order (bytes not seen before, soon after later ones)'],
  retransmission: [undefined, '! retransmission (nothing new in sequence space)'],
  ack_unseen_data: [undefined, '! acknowledges data the capture never showed'],
  fin_ack_mismatch: [undefined, '! acknowledges past the FIN + 1'],
  data_after_fin: [undefined, '! new data after its own FIN'],
  bad_tcp_options: [undefined, '! malformed TCP options'],
};

describe('checkText', () => {
  it('has words for every check code, and no more (anomalies marked "!")', () => {
    const codes = [...Object.keys(PASSED_TEXT), ...Object.keys(ANOMALY_TEXT)].sort();
    expect(codes).toEqual(Object.keys(WORDS).sort());
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of Object.keys(ANOMALY_TEXT)) expect(WORDS[code as LadderCheckCode][1]).toMatch(/^! \S/);
    for (const code of Object.keys(PASSED_TEXT)) expect(WORDS[code as LadderCheckCode][1]).not.toMatch(/^!/);
  });

  it.each(Object.entries(WORDS))('%s', (code, [values, words]) => {
    expect(checkText({ code: code as LadderCheckCode, values })).toBe(words);
  });
});
