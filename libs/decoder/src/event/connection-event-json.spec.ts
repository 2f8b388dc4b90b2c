import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { CLIENT, Connection, SERVER, type AnomalyCode, type EndReason, type ResetPhase, type RoleSource } from '../tcp/connection';
import { EndpointState } from '../tcp/zeek-state';
import { analyze, fixture, FIXTURES_DIR } from '../testing/fixtures';
import { connectionEvent, isoTimestamp } from './connection-event';
import { writeConnectionEvent } from './connection-event-bytes';
import { connectionEventJson } from './connection-event-json';
import { JsonByteWriter } from './json-byte-writer';
import type { TlsEvent } from './tls-event';

const reference = (c: Connection): string => JSON.stringify(connectionEvent(c));
/** Bytes as a latin1 string, one character per byte: exact, and quick for expect() to compare and show. */
const bytes = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
/** The UTF-8 bytes of `s`, in the same form. */
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/**
 * Each connection's event written by writeConnectionEvent after the ones before it and a
 * newline, as an ndjson stream is, into a writer of `size` bytes: lines cross the growths.
 */
function ndjsonBytes(connections: Connection[], size: number): Uint8Array {
  const w = new JsonByteWriter(size);
  for (const c of connections) {
    writeConnectionEvent(c, w);
    w.byte(0x0a);
  }
  return w.buf.subarray(0, w.pos);
}

describe('connectionEventJson: byte for byte JSON.stringify(connectionEvent(c))', () => {
  const captures = readdirSync(FIXTURES_DIR).filter((n) => /\.pcap(ng)?$/.test(n));

  it('covers the fixture captures', () => {
    expect(captures.length).toBeGreaterThanOrEqual(20);
  });

  // TLS sessions kept (the event's tls part made from c.tls) and summarized early (c.tlsSummary).
  it.each(captures.flatMap((name) => [[name, false], [name, true]] as const))('every connection of %s (summarizeTlsEarly %s)', (name, summarizeTlsEarly) => {
    const { connections } = analyze(fixture(name), { summarizeTlsEarly });
    expect(connections.length).toBeGreaterThan(0);
    for (const c of connections) expect(connectionEventJson(c)).toBe(reference(c));
    if (name.startsWith('tls-')) expect(connections.some((c) => connectionEventJson(c).includes('"tls":{'))).toBe(true);
  });

  it('constructed connections: any field values, anomalies, resets, handshakes, IPv6, TLS summaries with odd strings', () => {
    fc.assert(
      fc.property(arbitraryConnection(), (c) => {
        expect(connectionEventJson(c)).toBe(reference(c));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('writeConnectionEvent: the UTF-8 bytes of JSON.stringify(connectionEvent(c))', () => {
  const captures = readdirSync(FIXTURES_DIR).filter((n) => /\.pcap(ng)?$/.test(n));

  it.each(captures.flatMap((name) => [[name, false], [name, true]] as const))('every connection of %s (summarizeTlsEarly %s)', (name, summarizeTlsEarly) => {
    const { connections } = analyze(fixture(name), { summarizeTlsEarly });
    expect(connections.length).toBeGreaterThan(0);
    const expected = utf8(connections.map((c) => `${reference(c)}\n`).join(''));
    // A roomy buffer, and one that starts tiny and grows inside lines.
    expect(bytes(ndjsonBytes(connections, 1 << 20))).toBe(expected);
    expect(bytes(ndjsonBytes(connections, 1))).toBe(expected);
    // One line alone, from the middle of a writer's buffer.
    for (const c of connections) {
      const w = new JsonByteWriter(64);
      w.byte(0x20);
      writeConnectionEvent(c, w);
      expect(bytes(w.buf.subarray(1, w.pos))).toBe(utf8(reference(c)));
    }
  });

  it('constructed connections: any field values, anomalies, resets, handshakes, IPv6, TLS summaries with odd strings', () => {
    fc.assert(
      fc.property(fc.array(arbitraryConnection(), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 600 }), (connections, size) => {
        expect(bytes(ndjsonBytes(connections, size))).toBe(utf8(connections.map((c) => `${reference(c)}\n`).join('')));
      }),
      { numRuns: 3000 },
    );
  });

  it('numbers at the edges: counters past 2^31, 2^32 and up to 2^53 - 1, spans running backwards, odd timestamps', () => {
    const edges = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 999_999_999, 1e9, 2 ** 53 - 1];
    fc.assert(
      fc.property(
        arbitraryConnection(),
        fc.array(fc.constantFrom(...edges), { minLength: 8, maxLength: 8 }),
        fc.tuple(fc.integer({ min: -(2 ** 33), max: 2 ** 33 }), fc.oneof(fc.integer({ min: 0, max: 999_999_999 }), fc.constantFrom(-1, 1e9, 2 ** 40, 0.5))),
        (c, n, [sec, nsec]) => {
          c.ep0.packets = n[0];
          c.ep1.packets = n[1];
          c.ep0.payloadBytes = n[2];
          c.ep1.payloadBytes = n[3];
          c.clientPort = n[4];
          c.rttNs = n[5];
          c.serverNs = n[6];
          // Capture time running backwards: a negative duration.
          c.firstSec = sec;
          c.firstNsec = nsec;
          c.lastSec = sec - n[7];
          c.anomalies = { retransmission: n[7] };
          expect(bytes(ndjsonBytes([c], 16))).toBe(utf8(`${reference(c)}\n`));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('writeConnectionEvent: long strings', () => {
  // Longer than the room the event reserves: plain ASCII, escaped, and three bytes a character.
  // Before the test below fills the per-value pieces' tables (then new values skip them).
  it.each([['plain', 'x'.repeat(5000)], ['escaped', '"\\\n'.repeat(2000)], ['CJK', '中'.repeat(3000)]])('%s, in each string field', (_kind, long) => {
    const c = new Connection(1, 4, new Uint8Array([10, 0, 0, 1]), 1234, new Uint8Array([10, 0, 0, 2]), 443, 0);
    c.rttNs = c.serverNs = c.clientNs = 12345;
    c.firstRstSide = 1;
    for (const set of [
      () => (c.endReason = long as EndReason),
      () => (c.zeekHistory.text = long),
      () => (c.roleSource = long as RoleSource),
      () => (c.resetPhase = long as ResetPhase),
    ]) {
      set();
      for (const size of [1, 2048, 1 << 16]) expect(bytes(ndjsonBytes([c, c], size))).toBe(utf8(`${reference(c)}\n${reference(c)}\n`));
    }
  });
});

describe('writeConnectionEvent: enum fields holding any string', () => {
  // The fields written from pre-encoded pieces per value (reason, client_from, reset_phase):
  // values no enum has, ones to escape, long ones, and more distinct ones than are kept.
  it('writes them as JSON.stringify does', () => {
    const values = fc.oneof(oddString(), fc.string({ minLength: 60, maxLength: 80 }), fc.integer({ min: 0, max: 99 }).map((i) => `v${i}`));
    fc.assert(
      fc.property(arbitraryConnection(), values, values, values, fc.constantFrom<-1 | 0 | 1>(0, 1), (c, reason, role, phase, rstSide) => {
        c.endReason = reason as EndReason;
        c.roleSource = role as RoleSource;
        c.firstRstSide = rstSide;
        c.resetPhase = phase as ResetPhase;
        expect(bytes(ndjsonBytes([c, c], 32))).toBe(utf8(`${reference(c)}\n${reference(c)}\n`));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('writeConnectionEvent: anomalies JSON.stringify leaves out', () => {
  it('an undefined count takes its key and comma with it (the object stays, maybe empty)', () => {
    fc.assert(
      fc.property(arbitraryConnection(), fc.array(fc.tuple(fc.constantFrom(...ANOMALIES), fc.option(fc.nat(5), { nil: undefined })), { maxLength: 5 }), (c, entries) => {
        c.anomalies = {};
        for (const [code, n] of entries) c.anomalies[code] = n;
        expect(bytes(ndjsonBytes([c], 64))).toBe(utf8(`${reference(c)}\n`));
        expect(connectionEventJson(c)).toBe(reference(c));
      }),
    );
    const c = new Connection(1, 4, new Uint8Array([10, 0, 0, 1]), 1234, new Uint8Array([10, 0, 0, 2]), 443, 0);
    c.anomalies = { zero_window: undefined, retransmission: 2, seq_gap: undefined };
    expect(connectionEventJson(c)).toContain(',"anomalies":{"retransmission":2}}');
    c.anomalies = { zero_window: undefined };
    expect(connectionEventJson(c)).toContain(',"anomalies":{}}');
  });
});

describe('isoTimestamp', () => {
  it('is the ISO date to the second, then nine digits of nanoseconds, for seconds in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 999_999_999 })), { minLength: 1, maxLength: 50 }), (times) => {
        for (const [sec, nsec] of times) {
          expect(isoTimestamp(sec, nsec)).toBe(`${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`);
        }
      }),
    );
    expect(isoTimestamp(1700000000, 5)).toBe('2023-11-14T22:13:20.000000005Z');
    expect(isoTimestamp(1700000000 + 64, 123456789)).toBe('2023-11-14T22:14:24.123456789Z'); // same cache slot
  });

  it('is undefined, not broken text, for a time no capture holds (packet-time.ts)', () => {
    expect(isoTimestamp(0, 0)).toBe('1970-01-01T00:00:00.000000000Z');
    expect(isoTimestamp(2 ** 32 - 1, 999_999_999)).toBe('2106-02-07T06:28:15.999999999Z');
    // Before: "+275760-09-13T00:00:00.000Z" sliced, a RangeError past it, "...:30.4000000000000Z".
    for (const [sec, nsec] of [[2 ** 32, 0], [8.64e12, 0], [9e15, 0], [-1, 0], [-36_000_000_000, 0], [1e9, 1e9], [1e9, 4e12], [1e9, -1], [Number.NaN, 0], [1.5, 0]]) {
      expect(isoTimestamp(sec, nsec)).toBeUndefined();
    }
  });
});

// Strings that JSON.stringify escapes or keeps in ways a hand-written writer could get wrong.
const ODD = ['"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080', '\u2028', '\u2029', 'é', '中', '😀', '\ud800', '\udfff', 'a', 'Z', '0', ' '];
const oddString = (): fc.Arbitrary<string> => fc.oneof(fc.string({ unit: fc.constantFrom(...ODD), maxLength: 12 }), fc.string({ maxLength: 12 }));
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

const ANOMALIES: AnomalyCode[] = [
  'synack_ack_mismatch', 'handshake_ack_mismatch', 'syn_retransmission', 'retransmission', 'out_of_order', 'seq_gap', 'ack_unseen_data',
  'rst_seq_unexpected', 'rst_ack_mismatch', 'fin_ack_mismatch', 'data_after_fin', 'zero_window', 'bad_tcp_options',
];
const ipv6 = (): fc.Arbitrary<Uint8Array> =>
  fc.array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map((groups) => {
    const b = new Uint8Array(16);
    groups.forEach((g, i) => b.set([g >> 8, g & 0xff], 2 * i));
    return b;
  });
// Counters up to 2^40 (past 32 bits), nanosecond spans with -1 for "not seen".
const count = (): fc.Arbitrary<number> => fc.oneof(fc.nat(100), fc.nat(), fc.integer({ min: 0, max: 2 ** 40 }));
const span = (): fc.Arbitrary<number> => fc.oneof(fc.constant(-1), fc.nat(1_000_000), fc.integer({ min: 0, max: 2 ** 45 }));

/** A TlsEvent as tlsEvent() builds one (its key order), any field present or not, odd strings. */
function arbitraryTlsEvent(): fc.Arbitrary<TlsEvent> {
  return fc.record({
    resumed: fc.boolean(), established: fc.boolean(),
    version: maybe(oddString()), version_protocol: maybe(oddString()), version_name: maybe(oddString()),
    cipher: maybe(oddString()), next_protocol: maybe(oddString()), curve: maybe(oddString()),
    hello_retry_request: maybe(fc.constant(true as const)), starttls: maybe(oddString()),
    handshake: maybe(fc.record({ duration_seconds: fc.double({ noNaN: true, noDefaultInfinity: true }) })),
    alert: maybe(fc.record({ level: oddString(), description: oddString(), sender: fc.constantFrom('client' as const, 'server' as const) })),
    client: maybe(fc.record({
      server_name: maybe(oddString()), supported_versions: maybe(fc.array(oddString(), { maxLength: 3 })), alpn: maybe(fc.array(oddString(), { maxLength: 3 })),
      ech: maybe(fc.constant(true as const)), ja3: maybe(oddString()), ja4: maybe(oddString()),
    })),
    server: maybe(fc.record({
      x509: maybe(fc.record({ subject: maybe(oddString()), issuer: maybe(oddString()), alternative_names: maybe(fc.array(oddString(), { maxLength: 3 })), public_key_size: maybe(fc.nat()), error: maybe(oddString()) })),
      certificate_chain_length: maybe(fc.nat(5)), ja3s: maybe(oddString()),
    })),
  });
}

function arbitraryConnection(): fc.Arbitrary<Connection> {
  const side = fc.record({ packets: count(), payloadBytes: count(), rstCount: fc.nat(3), finCount: fc.nat(2), state: fc.constantFrom(...(Object.values(EndpointState).filter((v) => typeof v === 'number') as EndpointState[])) });
  return fc
    .record({
      v6: fc.boolean(), v4: fc.uint8Array({ minLength: 8, maxLength: 8 }), v6addrs: fc.tuple(ipv6(), ipv6()),
      ports: fc.tuple(fc.nat(65535), fc.nat(65535)),
      first: fc.tuple(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 999_999_999 })),
      last: fc.tuple(fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 999_999_999 })),
      sides: fc.tuple(side, side),
      roleSource: fc.constantFrom<RoleSource>('syn', 'syn-ack', 'port-heuristic', 'first-packet'),
      history: oddString(),
      spans: fc.tuple(span(), span(), span()),
      firstRstSide: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1),
      resetPhase: fc.constantFrom<ResetPhase | null>(null, 'handshake', 'established', 'closing'),
      mergedFinAck: fc.boolean(),
      endReason: fc.constantFrom<EndReason | null>(null, 'capture-end', 'idle', 'evicted', 'port-reused'),
      // Codes in any insertion order, some counted several times.
      anomalies: fc.array(fc.constantFrom(...ANOMALIES), { maxLength: 8 }),
      tls: maybe(arbitraryTlsEvent()),
    })
    .map((r) => {
      const [client, server] = r.v6 ? r.v6addrs : [r.v4.subarray(0, 4), r.v4.subarray(4)];
      const c = new Connection(1, r.v6 ? 6 : 4, client, r.ports[0], server, r.ports[1], 0);
      [c.firstSec, c.firstNsec] = r.first;
      [c.lastSec, c.lastNsec] = r.last;
      for (const s of [CLIENT, SERVER] as const) {
        Object.assign(c.endpoint(s), { packets: r.sides[s].packets, payloadBytes: r.sides[s].payloadBytes, rstCount: r.sides[s].rstCount, finCount: r.sides[s].finCount });
        c.endpoint(s).zeekState = r.sides[s].state;
      }
      c.roleSource = r.roleSource;
      c.zeekHistory.text = r.history;
      [c.rttNs, c.serverNs, c.clientNs] = r.spans;
      c.firstRstSide = r.firstRstSide;
      c.resetPhase = r.resetPhase;
      c.mergedFinAck = r.mergedFinAck;
      c.endReason = r.endReason;
      for (const code of r.anomalies) c.count(code);
      c.tlsSummary = r.tls;
      return c;
    });
}
