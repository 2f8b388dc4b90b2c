import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { CLIENT, Connection, SERVER, type AnomalyCode, type EndReason, type ResetPhase, type RoleSource } from '../tcp/connection';
import { EndpointState } from '../tcp/zeek-state';
import { analyze, fixture, FIXTURES_DIR } from '../testing/fixtures';
import { connectionEvent, isoTimestamp } from './connection-event';
import { connectionEventJson } from './connection-event-json';
import type { TlsEvent } from './tls-event';

const reference = (c: Connection): string => JSON.stringify(connectionEvent(c));

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

describe('isoTimestamp', () => {
  it('is the ISO date to the second, then nine digits of nanoseconds, for seconds in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** 33 }), fc.integer({ min: 0, max: 999_999_999 })), { minLength: 1, maxLength: 50 }), (times) => {
        for (const [sec, nsec] of times) {
          expect(isoTimestamp(sec, nsec)).toBe(`${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(nsec).padStart(9, '0')}Z`);
        }
      }),
    );
    expect(isoTimestamp(1700000000, 5)).toBe('2023-11-14T22:13:20.000000005Z');
    expect(isoTimestamp(1700000000 + 64, 123456789)).toBe('2023-11-14T22:14:24.123456789Z'); // same cache slot
  });
});

// Strings that JSON.stringify escapes or keeps in ways a hand-written writer could get wrong.
const ODD = ['"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0080', '\u2028', '\u2029', 'é', '中', '😀', '\ud800', '\udfff', 'a', 'Z', '0', ' '];
const oddString = (): fc.Arbitrary<string> => fc.oneof(fc.string({ unit: fc.constantFrom(...ODD), maxLength: 12 }), fc.string({ maxLength: 12 }));
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

const ANOMALIES: AnomalyCode[] = [
  'synack_ack_mismatch', 'handshake_ack_mismatch', 'syn_retransmission', 'retransmission', 'seq_gap', 'ack_unseen_data',
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
        Object.assign(c.ep[s], { packets: r.sides[s].packets, payloadBytes: r.sides[s].payloadBytes, rstCount: r.sides[s].rstCount, finCount: r.sides[s].finCount });
        c.state[s] = r.sides[s].state;
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
