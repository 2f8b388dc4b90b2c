import { writePcap } from '../testing/capture-writer';
import { analyze, fixture } from '../testing/fixtures';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import type { Connection } from './connection';

/** Each ladder step's checks, `code` or `code:values`. */
function checks(c: Connection): string[][] {
  return (c.ladder ?? []).map((s) => s.checks.map((k) => (k.values ? `${k.code}:${k.values.join(',')}` : k.code)));
}

function ladderOf(segments: Segment[]): Connection {
  return analyze(writePcap(conversation(V4, segments)), { recordLadder: true }).connections[0];
}

const handshake: Segment[] = [
  { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
  { from: 's', flags: F.SYN | F.ACK, seq: 5000, ack: 1001, t: 0.01 },
  { from: 'c', flags: F.ACK, seq: 1001, ack: 5001, t: 0.025 },
];
const handshakeChecks = [[], ['synack_acks_syn'], ['handshake_complete']];

// The captures are ours, test/fixtures/captures (MANIFEST.md: what each one shows).
describe('segment checks on the recorded captures (codes, never words)', () => {
  it.each<[string, string[][]]>([
    ['tcp-normal-close.pcap', [...handshakeChecks, [], [], [], [], [], ['fin_acked'], ['fin_acked']]],
    ['tcp-refused.pcap', [[], ['rst_refuses_syn']]],
    ['tcp-rst-after-fin.pcap', [...handshakeChecks, [], [], [], [], [], ['fin_acked'], ['half_close_data'], ['rst_in_closing']]],
    ['tcp-server-abort.pcap', [...handshakeChecks, [], [], ['rst_in_established']]],
    ['tcp-syn-unanswered.pcap', [[], ['syn_retransmission'], ['syn_retransmission'], ['syn_retransmission']]],
  ])('%s', (name, expected) => {
    expect(checks(analyze(fixture(name), { recordLadder: true }).connections[0])).toEqual(expected);
  });

  it('records no ladder (and no checks) unless asked, and counts the anomalies either way', () => {
    const [withLadder] = analyze(fixture('tcp-syn-unanswered.pcap'), { recordLadder: true }).connections;
    const [without] = analyze(fixture('tcp-syn-unanswered.pcap')).connections;
    expect(without.ladder).toBeNull();
    expect(without.anomalies).toEqual({ syn_retransmission: 3 });
    expect(withLadder.anomalies).toEqual(without.anomalies);
  });
});

describe('segment checks and the numbers they carry', () => {
  it('handshake: SYN-ACK ack mismatch (ack relative to the SYN), third packet off the handshake (both ack unseen bytes)', () => {
    const c = ladderOf([
      { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
      { from: 's', flags: F.SYN | F.ACK, seq: 5000, ack: 1005, t: 0.01 },
      { from: 'c', flags: F.ACK, seq: 1001, ack: 5002, t: 0.02 },
    ]);
    expect(checks(c)).toEqual([[], ['synack_ack_mismatch:5', 'ack_unseen_data'], ['handshake_ack_mismatch', 'ack_unseen_data']]);
  });

  it('handshake: a SYN from the server side; an ACK continuing the SYN without a captured SYN-ACK', () => {
    expect(checks(ladderOf([{ from: 'c', flags: F.SYN, seq: 1000, t: 0 }, { from: 's', flags: F.SYN, seq: 5000, t: 0.01 }]))).toEqual([[], ['syn_from_server']]);
    expect(checks(ladderOf([{ from: 'c', flags: F.SYN, seq: 1000, t: 0 }, { from: 'c', flags: F.ACK, seq: 1001, ack: 5001, t: 0.02 }])))
      .toEqual([[], ['handshake_complete_synack_unseen']]);
  });

  it('sequence: a gap (bytes missing), its bytes soon after (out of order), again (retransmission); then ack past the data, zero window, a RST off sequence', () => {
    const c = ladderOf([
      ...handshake,
      { from: 'c', flags: F.ACK | F.PSH, seq: 1001, ack: 5001, payload: 100, t: 0.03 },
      { from: 'c', flags: F.ACK | F.PSH, seq: 1201, ack: 5001, payload: 100, t: 0.04 },
      { from: 'c', flags: F.ACK | F.PSH, seq: 1101, ack: 5001, payload: 100, t: 0.041 },
      { from: 'c', flags: F.ACK | F.PSH, seq: 1101, ack: 5001, payload: 100, t: 0.05 },
      { from: 's', flags: F.ACK, seq: 5001, ack: 1401, window: 0, t: 0.06 },
      { from: 's', flags: F.RST, seq: 9999, t: 0.07 },
    ]);
    expect(checks(c).slice(3)).toEqual([
      [], ['seq_gap:100'], ['out_of_order'], ['retransmission'], ['zero_window', 'ack_unseen_data'], ['rst_seq_unexpected:4999,1'],
    ]);
    expect(c.anomalies).toEqual({ seq_gap: 1, out_of_order: 1, retransmission: 1, zero_window: 1, ack_unseen_data: 1, rst_seq_unexpected: 1 });
  });

  it('teardown: an ack past FIN + 1, data after the own FIN', () => {
    const c = ladderOf([
      ...handshake,
      { from: 'c', flags: F.FIN | F.ACK, seq: 1001, ack: 5001, t: 0.1 },
      { from: 's', flags: F.ACK, seq: 5001, ack: 1003, t: 0.11 },
      { from: 'c', flags: F.ACK | F.PSH, seq: 1002, ack: 5001, payload: 10, t: 0.12 },
    ]);
    expect(checks(c).slice(3)).toEqual([[], ['ack_unseen_data', 'fin_ack_mismatch'], ['data_after_fin']]);
  });

  it('resets: one refusing the SYN with the wrong ack; one in the handshake', () => {
    expect(checks(ladderOf([{ from: 'c', flags: F.SYN, seq: 1000, t: 0 }, { from: 's', flags: F.RST | F.ACK, seq: 0, ack: 1000, t: 0.01 }])))
      .toEqual([[], ['rst_ack_mismatch']]);
    expect(checks(ladderOf([...handshake.slice(0, 2), { from: 'c', flags: F.RST, seq: 1001, t: 0.02 }]))).toEqual([[], ['synack_acks_syn'], ['rst_in_handshake']]);
  });
});
