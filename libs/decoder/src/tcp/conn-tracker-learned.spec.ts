// ConnTracker's onLearned: the signal a live capture uses to bypass a connection's bulk
// segments (libs/pcap). Called once per connection, when segments without SYN, FIN or RST
// have nothing left to tell; and dropping exactly those segments from then on (until a
// SYN, FIN or RST, as the capture's bypass does) leaves what the agent reports unchanged.
import { readdirSync } from 'node:fs';
import { CaptureReader } from '../capture/capture-reader';
import type { DecodedPacket } from '../decoded-packet';
import { tlsEvent } from '../event/tls-event';
import { PacketDecoder } from '../packet-decoder';
import { writePcap } from '../testing/capture-writer';
import { fixture, FIXTURES_DIR } from '../testing/fixtures';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import { TcpFlag } from '../transport/tcp-flags';
import { ConnTracker, type ConnTrackerOptions } from './conn-tracker';
import type { Connection } from './connection';
import { TlsStreams } from '../tls/tls-streams';

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

/** A packet's connection, the same whichever way it goes. */
function tupleKey(p: DecodedPacket): string {
  const len = p.ipVersion === 4 ? 4 : 16;
  const a = `${Array.from(p.data.subarray(p.srcOffset, p.srcOffset + len)).join('.')}:${p.srcPort}`;
  const b = `${Array.from(p.data.subarray(p.dstOffset, p.dstOffset + len)).join('.')}:${p.dstPort}`;
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}
function connectionKey(c: Connection): string {
  const a = `${Array.from(c.clientAddr).join('.')}:${c.clientPort}`;
  const b = `${Array.from(c.serverAddr).join('.')}:${c.serverPort}`;
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/** What the agent reports of a connection (its metrics), and the TLS outcome. */
function reported(c: Connection) {
  const t = c.tls !== null ? tlsEvent(c.tls) : c.tlsSummary;
  return {
    id: c.id, connState: c.connState, resetSender: c.firstRstSide, resetPhase: c.resetPhase, rttNs: c.rttNs,
    synRetransmits: c.anomalies.syn_retransmission ?? 0, finished: c.finished, closeKind: c.closeKind, endReason: c.endReason,
    tls: t === undefined ? null : { version: t.version, cipher: t.cipher, established: t.established, alert: t.alert },
  };
}

interface Run {
  ended: ReturnType<typeof reported>[];
  learned: { id: number; connection: ReturnType<typeof reported>; tlsDone: boolean; handshakeDone: boolean; noSyn: boolean; payload: [number, number]; fins: number; rsts: number }[];
  bypassed: number;
}

/**
 * A capture through the tracker; with `bypass`, a connection's segments without SYN, FIN or
 * RST are dropped once onLearned named it, until a SYN, FIN or RST of it comes (which is
 * passed on), as libs/pcap's bypass table does.
 */
function track(bytes: Uint8Array, bypass: boolean, options: ConnTrackerOptions = {}): Run {
  const run: Run = { ended: [], learned: [], bypassed: 0 };
  const table = new Set<string>();
  const tracker = new ConnTracker((c) => run.ended.push(reported(c)), {
    streams: new TlsStreams(false),
    ...options,
    onLearned: (c) => {
      run.learned.push({
        id: c.id, connection: reported(c), tlsDone: c.tlsDone, handshakeDone: c.handshakeDone, noSyn: c.mruSynSide === -1,
        payload: [c.ep0.payloadBytes, c.ep1.payloadBytes], fins: c.ep0.finCount + c.ep1.finCount, rsts: c.ep0.rstCount + c.ep1.rstCount,
      });
      if (bypass) table.add(connectionKey(c));
    },
  });
  const decoder = new PacketDecoder();
  const reader = new CaptureReader((raw) => {
    const p = decoder.decode(raw);
    if (p === null) return;
    if (table.size > 0) {
      const k = tupleKey(p);
      if (table.has(k)) {
        if ((p.flags & SYN_FIN_RST) === 0) {
          run.bypassed++;
          return;
        }
        table.delete(k);
      }
    }
    tracker.packet(p);
  });
  reader.push(bytes);
  tracker.flush();
  return run;
}

const captures = readdirSync(FIXTURES_DIR).filter((n) => /\.pcap(ng)?$/.test(n)).sort();

describe('ConnTracker onLearned', () => {
  it('is called once per connection, after the handshake and the TLS outcome, with data seen each way, before any FIN or RST', () => {
    let learnedInAll = 0;
    for (const name of captures) {
      const run = track(fixture(name), false);
      const ids = run.learned.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const l of run.learned) {
        expect(l.handshakeDone || l.noSyn).toBe(true);
        expect(l.tlsDone).toBe(true);
        expect(l.payload[0]).toBeGreaterThan(0);
        expect(l.payload[1]).toBeGreaterThan(0);
        expect(l.fins + l.rsts).toBe(0);
        // before the connection ended
        expect(run.ended.findIndex((e) => e.id === l.id)).toBeGreaterThanOrEqual(0);
      }
      learnedInAll += run.learned.length;
    }
    expect(learnedInAll).toBeGreaterThan(20);
  });

  it('names every TLS connection of tls-basic.pcap as its handshake ends (data both ways by then)', () => {
    const run = track(fixture('tls-basic.pcap'), false);
    expect(run.learned.map((l) => [l.id, l.connection.tls?.established])).toEqual([[0, true], [1, true], [2, true]]);
  });

  it.each(captures)('%s: dropping the bulk segments of learned connections changes nothing the agent reports', (name) => {
    const whole = track(fixture(name), false);
    const bypassed = track(fixture(name), true);
    expect(bypassed.ended).toEqual(whole.ended);
    expect(bypassed.learned.map((l) => l.id)).toEqual(whole.learned.map((l) => l.id));
  });

  it('drops bulk segments in those captures (the comparison above has something to compare)', () => {
    const total = captures.reduce((n, name) => n + track(fixture(name), true).bypassed, 0);
    expect(total).toBeGreaterThan(100);
  });
});

describe('ConnTracker onLearned on built conversations', () => {
  const handshake: Segment[] = [
    { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
    { from: 's', flags: F.SYN | F.ACK, seq: 5000, ack: 1001, t: 0.01 },
    { from: 'c', flags: F.ACK, seq: 1001, ack: 5001, t: 0.02 },
  ];
  const learnedOf = (segments: Segment[], options: ConnTrackerOptions & { tls?: boolean } = {}) => {
    const at: number[] = [];
    let n = 0;
    const streams = options.tls === false ? null : new TlsStreams(false);
    const tracker = new ConnTracker(() => undefined, { ...options, streams, onLearned: () => at.push(n) });
    const decoder = new PacketDecoder();
    const reader = new CaptureReader((raw) => {
      n++;
      const p = decoder.decode(raw);
      if (p) tracker.packet(p);
    });
    reader.push(writePcap(conversation(V4, segments)));
    tracker.flush();
    return at;
  };

  it('waits for data each way (TLS analysis off: nothing else to wait for)', () => {
    expect(learnedOf([
      ...handshake,
      { from: 'c', flags: F.PSH | F.ACK, seq: 1001, ack: 5001, payload: 100, t: 0.03 },
      { from: 'c', flags: F.PSH | F.ACK, seq: 1101, ack: 5001, payload: 100, t: 0.04 },
      { from: 's', flags: F.PSH | F.ACK, seq: 5001, ack: 1201, payload: 100, t: 0.05 },
      { from: 's', flags: F.PSH | F.ACK, seq: 5101, ack: 1201, payload: 100, t: 0.06 },
    ], { tls: false })).toEqual([6]);
  });

  it('never names a one-way stream, nor a connection whose FIN came first', () => {
    expect(learnedOf([
      ...handshake,
      { from: 's', flags: F.PSH | F.ACK, seq: 5001, ack: 1001, payload: 100, t: 0.05 },
      { from: 's', flags: F.PSH | F.ACK, seq: 5101, ack: 1001, payload: 100, t: 0.06 },
    ], { tls: false })).toEqual([]);
    expect(learnedOf([
      ...handshake,
      { from: 'c', flags: F.PSH | F.ACK, seq: 1001, ack: 5001, payload: 100, t: 0.03 },
      { from: 's', flags: F.FIN | F.PSH | F.ACK, seq: 5001, ack: 1101, payload: 100, t: 0.05 },
      { from: 'c', flags: F.ACK, seq: 1101, ack: 5102, t: 0.06 },
      { from: 's', flags: F.PSH | F.ACK, seq: 5102, ack: 1101, payload: 100, t: 0.07 },
    ], { tls: false })).toEqual([]);
  });

  it('waits for the handshake when a SYN was seen, and names a connection picked up mid-stream (no SYN: no handshake to time)', () => {
    const noAck: Segment[] = [
      { from: 'c', flags: F.SYN, seq: 1000, t: 0 },
      { from: 's', flags: F.PSH | F.ACK, seq: 5001, ack: 1001, payload: 100, t: 0.05 },
    ];
    // the client's data completes the handshake (it continues the SYN)
    expect(learnedOf([...noAck, { from: 'c', flags: F.PSH | F.ACK, seq: 1001, ack: 5101, payload: 10, t: 0.06 }], { tls: false })).toEqual([3]);
    expect(learnedOf([
      { from: 's', flags: F.PSH | F.ACK, seq: 9000, ack: 100, payload: 50, t: 0 },
      { from: 'c', flags: F.PSH | F.ACK, seq: 100, ack: 9050, payload: 10, t: 0.01 },
    ], { tls: false })).toEqual([2]);
  });

  it('waits for the TLS analysis to be done', () => {
    // Zero bytes each way: no TLS record; the session reads on until it gives up on TLS (16 KiB a side).
    const chatter = (n: number): Segment[] => [
      ...handshake,
      { from: 'c', flags: F.PSH | F.ACK, seq: 1001, ack: 5001, payload: 100, t: 0.03 },
      { from: 's', flags: F.PSH | F.ACK, seq: 5001, ack: 1101, payload: 100, t: 0.04 },
      ...Array.from({ length: n }, (_, i): Segment[] => [
        { from: 'c', flags: F.PSH | F.ACK, seq: 1101 + i * 1000, ack: 5101 + i * 1000, payload: 1000, t: 0.05 + i * 0.002 },
        { from: 's', flags: F.PSH | F.ACK, seq: 5101 + i * 1000, ack: 2101 + i * 1000, payload: 1000, t: 0.051 + i * 0.002 },
      ]).flat(),
    ];
    expect(learnedOf(chatter(0), { tls: false })).toEqual([5]);
    const seen: boolean[] = [];
    const tracker = new ConnTracker(() => undefined, { streams: new TlsStreams(false), onLearned: (c) => seen.push(c.tlsDone) });
    const decoder = new PacketDecoder();
    new CaptureReader((raw) => {
      const p = decoder.decode(raw);
      if (p) tracker.packet(p);
    }).push(writePcap(conversation(V4, chatter(40))));
    expect(seen).toEqual([true]);
  });
});
