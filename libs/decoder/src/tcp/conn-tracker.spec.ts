import { CaptureReader } from '../capture/capture-reader';
import { PacketDecoder } from '../packet-decoder';
import { writePcap } from '../testing/capture-writer';
import { ConnTracker } from './conn-tracker';
import { analyze, fixture } from '../testing/fixtures';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import { connectionEvent } from '../event/connection-event';
import { TlsStreams } from '../tls/tls-streams';
import { trackFrames, type Frame } from '../testing/track-frames';

// Expectations from test/fixtures/captures/MANIFEST.md (checked with tshark when recorded).
describe('ConnTracker on the recorded captures', () => {
  it.each([
    ['tcp-normal-close.pcap', ['SF', 'SF', 'SF'], [undefined, undefined, undefined]],
    ['tcp-refused.pcap', ['REJ', 'REJ'], ['server', 'server']],
    ['tcp-server-abort.pcap', ['RSTR'], ['server']],
    ['tcp-client-abort.pcap', ['RSTO'], ['client']],
    ['tcp-half-close.pcap', ['SF'], [undefined]],
    ['tcp-rst-after-fin.pcap', ['RSTR'], ['server']],
    ['tcp-ipv6.pcap', ['SF', 'SF'], [undefined, undefined]],
    ['tcp-syn-unanswered.pcap', ['S0'], [undefined]],
    ['tcp-any-sll2.pcap', ['SF'], [undefined]],
    ['tcp-vlan.pcap', ['SF'], [undefined]],
    ['tcp-nanosecond.pcap', ['SF'], [undefined]],
    ['tcp-mixed.pcapng', ['SF', 'REJ', 'RSTR', 'RSTO', 'SF'], [undefined, 'server', 'server', 'client', undefined]],
  ])('%s: conn_state %j, reset sender %j', (name, states, resetSenders) => {
    const events = analyze(fixture(name)).connections.map(connectionEvent);
    expect(events.map((e) => e.tcp.conn_state)).toEqual(states);
    expect(events.map((e) => e.tcp.reset_sender)).toEqual(resetSenders);
    for (const e of events) {
      expect(e.tcp.client_from).toBe('syn');
      if (e.tcp.conn_state === 'SF' || e.tcp.conn_state.startsWith('RST')) {
        // every established connection here has a full handshake measured from kernel timestamps
        expect(e.tcp.handshake?.rtt_seconds).toBeGreaterThan(0);
        expect(e.tcp.handshake!.rtt_seconds!).toBeCloseTo(e.tcp.handshake!.server_seconds! + e.tcp.handshake!.client_seconds!, 9);
      }
    }
  });

  it('tells the teardown apart: half-close, RST after FIN, refused, unanswered SYN', () => {
    const half = analyze(fixture('tcp-half-close.pcap')).connections[0];
    expect(half.halfCloseData).toBe(true);
    expect(half.closeKind).toBe('fin');
    const rstAfterFin = analyze(fixture('tcp-rst-after-fin.pcap')).connections[0];
    expect(rstAfterFin.closeKind).toBe('rst-after-fin');
    expect(rstAfterFin.resetPhase).toBe('closing');
    const refused = analyze(fixture('tcp-refused.pcap')).connections[0];
    expect(refused.resetPhase).toBe('handshake');
    expect(refused.rttNs).toBe(-1);
    expect(refused.anomalies.rst_ack_mismatch).toBeUndefined();
    const s0 = connectionEvent(analyze(fixture('tcp-syn-unanswered.pcap')).connections[0]);
    expect(s0.tcp.syn_retransmits).toBe(3);
    expect(s0.tcp.handshake).toBeUndefined();
    const abort = analyze(fixture('tcp-server-abort.pcap')).connections[0];
    expect(abort.resetPhase).toBe('established');
  });

  it('checks the handshake arithmetic without anomalies on clean captures', () => {
    for (const name of ['tcp-normal-close.pcap', 'tcp-ipv6.pcap', 'tcp-half-close.pcap']) {
      for (const c of analyze(fixture(name)).connections) {
        expect(c.anomalies).toEqual({});
        expect([c.ep0.finAcked, c.ep1.finAcked]).toEqual([true, true]);
      }
    }
  });
});

function run(segments: Segment[], options = {}) {
  return analyze(writePcap(conversation(V4, segments)), options).connections;
}
const handshake: Segment[] = [
  { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
  { from: 's', flags: F.SYN | F.ACK, seq: 5000, ack: 1001, t: 0.01 },
  { from: 'c', flags: F.ACK, seq: 1001, ack: 5001, t: 0.025 },
];

describe('ConnTracker rules', () => {
  it('measures the handshake from the most recent SYN (Wireshark iRTT)', () => {
    const [c] = run([
      { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
      { from: 'c', flags: F.SYN, seq: 1000, t: 1 },
      { from: 's', flags: F.SYN | F.ACK, seq: 5000, ack: 1001, t: 1.002 },
      { from: 'c', flags: F.ACK, seq: 1001, ack: 5001, t: 1.005 },
    ]);
    expect(c.rttNs).toBe(5_000_000);
    expect(c.serverNs).toBe(2_000_000);
    expect(c.clientNs).toBe(3_000_000);
    expect(c.anomalies.syn_retransmission).toBe(1);
  });

  it('starts a new connection when a SYN with a new ISN reuses the ports', () => {
    const conns = run([
      ...handshake,
      { from: 'c', flags: F.FIN | F.ACK, seq: 1001, ack: 5001, t: 0.1 },
      { from: 's', flags: F.FIN | F.ACK, seq: 5001, ack: 1002, t: 0.11 },
      { from: 'c', flags: F.ACK, seq: 1002, ack: 5002, t: 0.12 },
      { from: 'c', flags: F.SYN, seq: 90000, t: 5 },
      { from: 's', flags: F.RST | F.ACK, seq: 0, ack: 90001, t: 5.001 },
    ]);
    expect(conns.map((c) => c.connState)).toEqual(['SF', 'REJ']);
    expect(conns[0].endReason).toBe('port-reused');
    expect(conns[0].closeKind).toBe('fin-merged');
  });

  it('counts a four-way teardown and a merged FIN-ACK differently', () => {
    const [four] = run([
      ...handshake,
      { from: 'c', flags: F.FIN | F.ACK, seq: 1001, ack: 5001, t: 0.1 },
      { from: 's', flags: F.ACK, seq: 5001, ack: 1002, t: 0.11 },
      { from: 's', flags: F.FIN | F.ACK, seq: 5001, ack: 1002, t: 0.12 },
      { from: 'c', flags: F.ACK, seq: 1002, ack: 5002, t: 0.13 },
    ]);
    expect(four.closeKind).toBe('fin');
    expect(four.connState).toBe('SF');
    expect(four.history).toBe('ShAFaf');
  });

  it('flags arithmetic that does not add up', () => {
    const [c] = run([
      { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
      { from: 's', flags: F.SYN | F.ACK, seq: 5000, ack: 1234, t: 0.01 },
      { from: 'c', flags: F.ACK, seq: 1001, ack: 5001, t: 0.02 },
      { from: 'c', flags: F.PSH | F.ACK, seq: 1101, ack: 5001, payload: 10, t: 0.03 },
      { from: 'c', flags: F.PSH | F.ACK, seq: 1101, ack: 5001, payload: 10, t: 0.04 },
      { from: 's', flags: F.RST, seq: 7777, t: 0.05 },
    ]);
    expect(c.anomalies).toMatchObject({ synack_ack_mismatch: 1, seq_gap: 1, retransmission: 1, rst_seq_unexpected: 1 });
    expect(c.history).toBe('ShADTr');
    expect(c.connState).toBe('RSTR');
  });

  it('guesses the client of a connection seen mid-stream from the server port', () => {
    const [c] = run([
      { from: 's', flags: F.PSH | F.ACK, seq: 9000, ack: 100, payload: 50, t: 0 },
      { from: 'c', flags: F.ACK, seq: 100, ack: 9050, t: 0.01 },
    ]);
    expect(c.roleSource).toBe('port-heuristic');
    expect([c.clientPort, c.serverPort]).toEqual([40000, 80]);
    expect(c.history).toBe('^dA');
    expect(c.connState).toBe('OTH');
  });

  it('evicts the least recently seen connection past the cap, and counts it', () => {
    const frames = [0, 1, 2].flatMap((i) => conversation({ ...V4, clientPort: 40000 + i }, [{ from: 'c', flags: F.SYN, seq: 1, t: i }]));
    const { connections, analyzer } = analyze(writePcap(frames), { maxConnections: 2 });
    expect(analyzer.tracker.stats.evicted).toBe(1);
    expect(connections.map((c) => [c.clientPort, c.endReason])).toEqual([[40000, 'evicted'], [40001, 'capture-end'], [40002, 'capture-end']]);
  });

  it('ends idle connections by capture time', () => {
    const frames = [
      ...conversation(V4, [{ from: 'c', flags: F.SYN, seq: 1, t: 0 }]),
      ...conversation({ ...V4, clientPort: 41000 }, [{ from: 'c', flags: F.SYN, seq: 1, t: 100 }]),
    ];
    const { connections } = analyze(writePcap(frames), { idleTimeoutSeconds: 50, closedTimeoutSeconds: 10 });
    expect(connections.map((c) => c.endReason)).toEqual(['idle', 'capture-end']);
  });

  describe.each([['as Connections', 1_000_000], ['kept compact (half-open table)', 0]])('a connection attempt (the client\'s SYNs, unanswered), %s', (_, compactSynsFrom) => {
    // Linux's SYN retransmissions: 1, 2, 4, 8, 16 and 32 s apart, then it gives up.
    const synAt = (port: number, times: number[]) => conversation({ ...V4, clientPort: port }, times.map((t) => ({ from: 'c', flags: F.SYN, seq: 1, t })));
    const ends = (frames: Frame[], options = {}) => trackFrames(frames, (c) => `${c.endReason} ${c.connState} ${c.anomalies.syn_retransmission ?? 0}`, { compactSynsFrom, ...options }).out;
    const attempt = synAt(40000, [0, 1, 3, 7, 15, 31, 63]);
    const answered = conversation({ ...V4, clientPort: 41000 }, [{ from: 'c', flags: F.SYN, seq: 1, t: 10 }, { from: 's', flags: F.SYN | F.ACK, seq: 9, ack: 2, t: 10.001 }]);

    it('ends the SYN timeout (130 s) after its last SYN, as S0 with every retransmission; an answered one idles on', () => {
      const frames = [...attempt, ...answered, ...synAt(42000, [63 + 129.999]), ...synAt(43000, [63 + 130])];
      expect(ends(frames)).toEqual(['40000 at 11 (idle S0 6)', '41000 at Infinity (capture-end S1 0)', '42000 at Infinity (capture-end S0 0)', '43000 at Infinity (capture-end S0 0)']);
    });

    it('is no attempt once the client sent anything but its SYN (a capture of one direction only)', () => {
      const data = conversation({ ...V4, clientPort: 44000 }, [{ from: 'c', flags: F.SYN, seq: 1, t: 0 }, { from: 'c', flags: F.ACK | F.PSH, seq: 2, payload: 5, t: 1 }]);
      expect(ends([...data, ...synAt(45000, [500])])).toEqual(['44000 at Infinity (capture-end S0 0)', '45000 at Infinity (capture-end S0 0)']);
    });

    it('ends like any connection when the SYN timeout is not shorter than the idle timeout', () => {
      expect(ends([...attempt, ...synAt(42000, [500])], { synTimeoutSeconds: 3600 })).toEqual(['40000 at Infinity (capture-end S0 6)', '42000 at Infinity (capture-end S0 0)']);
      expect(ends([...attempt, ...synAt(42000, [500])], { synTimeoutSeconds: 60, idleTimeoutSeconds: 50 })).toEqual(['40000 at 8 (idle S0 6)', '42000 at Infinity (capture-end S0 0)']);
    });
  });
});

describe('ConnTracker hooks for live reporting', () => {
  it('reports a handshake when it completes and a TLS outcome when known, once each, before the end', () => {
    const order: string[] = [];
    const tracker = new ConnTracker((c) => order.push(`end ${c.id}`), {
      streams: new TlsStreams(false),
      onHandshake: (c) => order.push(`handshake ${c.id} ${c.rttNs > 0}`),
      onTlsDone: (c) => order.push(`tls ${c.id} ${c.tls?.established ?? 'no tls'}`),
    });
    const decoder = new PacketDecoder();
    const reader = new CaptureReader((raw) => {
      const p = decoder.decode(raw);
      if (p) tracker.packet(p);
    });
    reader.push(fixture('tls-basic.pcap'));
    tracker.flush();
    expect(order).toEqual(['handshake 0 true', 'tls 0 true', 'handshake 1 true', 'tls 1 true', 'handshake 2 true', 'tls 2 true', 'end 0', 'end 1', 'end 2']);
  });
});
