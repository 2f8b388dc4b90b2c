import fc from 'fast-check';
import { latin1At } from './byte-reader';
import { parseClientHello } from './client-hello';
import { HandshakeAssembler } from './handshake-assembler';
import { parseCertificateList, serverKeyExchangeGroup } from './handshake-messages';
import type { ClientHello, ServerHello } from './hello-types';
import { looksLikeTlsRecord, RecordStream } from './record-stream';
import { parseServerHello } from './server-hello';
import * as H from '../testing/tls-hellos';
import { refParseCertificateList, refParseClientHello, refParseServerHello } from '../testing/tls-reference-parsers';
import * as W from '../testing/tls-streams';

// The hello and Certificate parsers read in place, from an offset into a larger buffer. They
// must give exactly what the reference parsers (their earlier form: a bounds-checked reader,
// a view per field) gave on the message alone: real messages, each cut at every byte, mutated.

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Every handshake message of the TLS part of some byte streams (bodies copied), by type. */
function messagesOf(streams: Uint8Array[][]): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  for (const chunks of streams) {
    const assembler = new HandshakeAssembler({
      message: (type, body) => out.set(type, [...(out.get(type) ?? []), body.slice()]),
      oversized: () => undefined,
    }, 1 << 20);
    const records = new RecordStream({
      record: (type, _version, body) => (type === 22 ? assembler.push(body) : undefined),
      sslv2: () => undefined,
      malformed: () => undefined,
    });
    // Plaintext before the TLS (CONNECT, PostgreSQL's SSLRequest) is skipped.
    const start = chunks.findIndex((c) => looksLikeTlsRecord(c));
    if (start >= 0) for (const c of chunks.slice(start)) records.push(c);
  }
  return out;
}

const sideOf = (chunks: W.Chunk[], dir: 'c' | 's'): Uint8Array[] => chunks.filter(([d]) => d === dir).map(([, h]) => W.hexBytes(h));
const STREAMS = [W.HRR_STREAM, W.CONNECT_STREAM, W.PSQL_START].flatMap((s) => [sideOf(s, 'c'), sideOf(s, 's')]);
const MESSAGES = messagesOf([...STREAMS, [W.hexBytes(W.FAKE_SUITE_SKE)], [W.hexBytes(W.FRAGMENTED_CH)], [W.hexBytes(W.FRAGMENTED_SH)]]);
const body = (handshakeHex: string): Uint8Array => W.hexBytes(handshakeHex).subarray(4);

const CLIENT_HELLOS: Uint8Array[] = [
  ...[H.BASIC_TLS12_CH, H.BASIC_TLS13_CH, H.CHROME_GREASE_CH, H.ALPN_H2_TLS12_CH, H.SNI_ONLY_TLS10_CH, H.QUIC_CH, H.NON_ASCII_ALPN_CH,
    H.SYNTH_GREASE_EDGES_CH, H.SYNTH_NO_EXTENSIONS_CH, H.SYNTH_TWO_GROUPS_CH, H.SYNTH_TWO_POINT_FORMATS_CH, H.SYNTH_POINT_FORMATS_OVERRUN_CH].map(body),
  ...(MESSAGES.get(1) ?? []),
];
const SERVER_HELLOS: Uint8Array[] = [...[H.BASIC_TLS12_SH, H.BASIC_TLS13_SH, H.SYNTH_GREASE_SH].map(body), ...(MESSAGES.get(2) ?? [])];
const CERTIFICATES: Uint8Array[] = MESSAGES.get(11) ?? [];

/** A hello as comparable data: bytes as hex, each extension's type and body, no undefined fields. */
function plain(h: ClientHello | ServerHello | null): unknown {
  if (h === null) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = v instanceof Uint8Array ? hex(v) : Array.isArray(v) ? [...v] : v;
  out.extensions = h.extensions.map((e) => ({ type: e.type, data: hex(e.data) }));
  return out;
}

const plainCerts = (list: Uint8Array[] | null): string[] | null => list && list.map(hex);

/** `msg` at offset `at` of a larger buffer, junk (0xee) around it. */
/** Parsed from a packet buffer, then the buffer zeroed: what was parsed must not change. */
function expectOwnsItsBytes<T>(messages: Uint8Array[], parse: (b: Uint8Array, at: number, length: number) => T, snapshot: (parsed: T) => unknown): void {
  for (const msg of messages) {
    const b = embed(msg, 17);
    const parsed = parse(b, 17, msg.length);
    const before = snapshot(parsed);
    b.fill(0);
    expect(snapshot(parsed)).toEqual(before);
  }
}

function embed(msg: Uint8Array, at: number, after = 9): Uint8Array {
  const b = new Uint8Array(at + msg.length + after).fill(0xee);
  b.set(msg, at);
  return b;
}

type Check = (msg: Uint8Array, at: number, length: number) => void;

const checkClientHello: Check = (msg, at, length) => {
  const b = embed(msg, at);
  expect(plain(parseClientHello(b, at, length))).toEqual(plain(refParseClientHello(msg.slice(0, length))));
};
const checkServerHello: Check = (msg, at, length) => {
  const b = embed(msg, at);
  expect(plain(parseServerHello(b, at, length))).toEqual(plain(refParseServerHello(msg.slice(0, length))));
};
const checkCertificates: Check = (msg, at, length) => {
  const b = embed(msg, at);
  expect(plainCerts(parseCertificateList(b, at, length))).toEqual(plainCerts(refParseCertificateList(msg.slice(0, length))));
};

describe.each([
  ['ClientHello', CLIENT_HELLOS, checkClientHello],
  ['ServerHello', SERVER_HELLOS, checkServerHello],
  ['Certificate', CERTIFICATES, checkCertificates],
] as const)('%s read in place', (_name, messages, check) => {
  it('has real messages to read', () => {
    expect(messages.length).toBeGreaterThan(0);
  });

  it('reads each real message as the reference parser does, at offsets other than 0', () => {
    for (const msg of messages) for (const at of [0, 1, 5, 300]) check(msg, at, msg.length);
  });

  it('reads each real message cut at every byte as the reference parser does (the rest of it follows in the buffer)', () => {
    for (const msg of messages) for (let n = 0; n <= msg.length; n++) check(msg, 3, n);
  });

  it('reads mutated messages as the reference parser does (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(messages.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.nat(40),
        (which, mutations, at) => {
          const msg = messages[which].slice();
          for (const [i, v] of mutations) msg[i % msg.length] = v;
          check(msg, at, msg.length);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// Generated messages: the wire structure of hellos and Certificate messages, each length field
// mostly right and sometimes off by up to 2 (odd lists, overruns, a byte short), bodies sometimes
// random bytes, trailing bytes after each vector: every bounds rule of the parsers gets exercised.
const bytesArb = (max: number): fc.Arbitrary<number[]> => fc.array(fc.nat(255), { maxLength: max });
const off = fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: -2, max: 2 }), weight: 1 });
/** Outer lengths are off less often, so that what they hold gets read. */
const outerOff = fc.oneof({ arbitrary: fc.constant(0), weight: 15 }, { arbitrary: fc.integer({ min: -2, max: 2 }), weight: 1 });

function vector(size: 1 | 2 | 3, content: number[], delta: number): number[] {
  const n = Math.max(0, content.length + delta);
  const len = size === 1 ? [n & 0xff] : size === 2 ? [(n >> 8) & 0xff, n & 0xff] : [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return [...len, ...content];
}

/** A length-prefixed vector of `content`, its length sometimes off. */
const vec = (size: 1 | 2 | 3, content: fc.Arbitrary<number[]>, delta = off): fc.Arbitrary<number[]> =>
  fc.tuple(content, delta).map(([c, d]) => vector(size, c, d));
const outerVec = (size: 1 | 2 | 3, content: fc.Arbitrary<number[]>): fc.Arbitrary<number[]> => vec(size, content, outerOff);
/** Pairs of bytes (16-bit values). */
const pairsArb = (max: number): fc.Arbitrary<number[]> => fc.array(fc.tuple(fc.nat(255), fc.nat(255)), { maxLength: max }).map((l) => l.flat());
const concat = (parts: fc.Arbitrary<number[]>, max: number): fc.Arbitrary<number[]> => fc.array(parts, { maxLength: max }).map((l) => l.flat());

const EXTENSION_BODIES: [number, fc.Arbitrary<number[]>][] = [
  [0, vec(2, concat(fc.tuple(fc.constantFrom(0, 0, 1, 255), vec(2, bytesArb(12))).map(([t, n]) => [t, ...n]), 3))], // server_name
  [16, vec(2, concat(vec(1, bytesArb(8)), 4))], // ALPN
  [43, fc.oneof(vec(1, bytesArb(8)), bytesArb(2))], // supported_versions (ClientHello list, ServerHello value)
  [10, vec(2, pairsArb(5))], // supported_groups
  [13, vec(2, pairsArb(5))], // signature_algorithms
  [11, vec(1, bytesArb(4))], // ec_point_formats
  [51, fc.oneof(vec(2, concat(fc.tuple(bytesArb(2), vec(2, bytesArb(6))).map(([g, k]) => [...g, ...k]), 3)), bytesArb(3))], // key_share
  [40, vec(2, concat(fc.tuple(bytesArb(2), vec(2, bytesArb(6))).map(([g, k]) => [...g, ...k]), 3))], // key_share (drafts)
  [35, bytesArb(3)], [41, bytesArb(3)], [42, bytesArb(1)], [0xfe0d, bytesArb(3)], [0x0a0a, bytesArb(3)],
];

const extensionArb: fc.Arbitrary<number[]> = fc
  .tuple(fc.nat(EXTENSION_BODIES.length - 1), fc.nat(5), bytesArb(6), outerOff)
  .chain(([i, raw, junk, delta]) => {
    const [type, bodyArb] = EXTENSION_BODIES[i];
    return (raw === 0 ? fc.constant(junk) : bodyArb).map((b) => [type >> 8, type & 0xff, ...vector(2, b, delta)]);
  });

/** No extension block, or one (sometimes with bytes after it). */
const extensionBlock = fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: outerVec(2, concat(extensionArb, 8)), weight: 6 });

const clientHelloArb = fc
  .tuple(fc.constantFrom(0x0303, 0x0301, 0x0002), outerVec(1, bytesArb(33)), outerVec(2, pairsArb(4)), outerVec(1, bytesArb(2)), extensionBlock, bytesArb(3))
  .map(([v, sid, suites, methods, ext, trailing]) => Uint8Array.from([v >> 8, v & 0xff, ...new Array(32).fill(0x5a), ...sid, ...suites, ...methods, ...ext, ...trailing]));

const HRR = [...W.hexBytes('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c')];
const serverHelloArb = fc
  .tuple(fc.constantFrom(0x0303, 0x0304, 0x7f10, 0x7f16, 0x7e01), fc.boolean(), fc.boolean(), outerVec(1, bytesArb(33)), extensionBlock, bytesArb(2))
  .map(([v, hrr, draftLayout, sid, ext, trailing]) => Uint8Array.from([
    v >> 8, v & 0xff, ...(hrr ? HRR : new Array(32).fill(0x5a)), ...(draftLayout ? [] : sid), 0x13, 0x02, ...(draftLayout ? [] : [0]), ...ext, ...trailing,
  ]));

const certificateArb = fc
  .tuple(outerVec(3, concat(vec(3, bytesArb(5)), 20)), bytesArb(3))
  .map(([list, trailing]) => Uint8Array.from([...list, ...trailing]));

describe.each([
  ['ClientHello', clientHelloArb, checkClientHello],
  ['ServerHello', serverHelloArb, checkServerHello],
  ['Certificate', certificateArb, checkCertificates],
] as const)('generated %s messages read in place', (_name, arb, check) => {
  it('read as the reference parser reads them, whole and cut short (property)', () => {
    fc.assert(
      fc.property(arb, fc.nat(20), fc.option(fc.nat(), { nil: undefined }), (msg, at, cut) => {
        check(msg, at, cut === undefined ? msg.length : cut % (msg.length + 1));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('hello parsers: what they keep', () => {
  it('own their bytes: the hello is unchanged when the packet buffer is reused', () => {
    expectOwnsItsBytes(CLIENT_HELLOS, parseClientHello, plain);
    expectOwnsItsBytes(SERVER_HELLOS, parseServerHello, plain);
    expectOwnsItsBytes(CERTIFICATES, parseCertificateList, plainCerts);
  });

  it('keeps at most 256 extensions, and ignores 1 to 3 bytes after the last one, as before', () => {
    const base = body(H.SYNTH_NO_EXTENSIONS_CH).subarray(0, -2); // less its empty extension block
    for (const [count, trailing] of [[300, 0], [256, 3], [10, 1], [0, 2]]) {
      const list = new Uint8Array(count * 4 + trailing).fill(0);
      for (let i = 0; i < count; i++) list[i * 4 + 1] = 0x30 + (i % 8); // types 0x30..0x37, empty bodies
      const msg = new Uint8Array(base.length + 2 + list.length);
      msg.set(base);
      msg.set([list.length >> 8, list.length & 0xff], base.length);
      msg.set(list, base.length + 2);
      const ch = parseClientHello(embed(msg, 2), 2, msg.length);
      expect(ch?.extensions.length).toBe(Math.min(count, 256));
      checkClientHello(msg, 2, msg.length);
    }
  });

  it('reads the group of a ServerKeyExchange at an offset', () => {
    const ske = W.hexBytes('0002696403001d20');
    expect(serverKeyExchangeGroup(embed(ske, 7), true, 7, ske.length)).toBe(29);
    expect(serverKeyExchangeGroup(embed(ske, 7), false, 7, ske.length)).toBeNull();
    expect(serverKeyExchangeGroup(embed(ske.subarray(0, 6), 7, 0), true, 7, 6)).toBeNull();
  });
});

describe('latin1At', () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('gives one UTF-16 unit per byte, as fromCharCode does, from any offset, again when interned', () => {
    for (const [s, e] of [[0, 256], [0x61, 0x7b], [0x80, 0xa0], [5, 5], [255, 256]]) {
      const expected = String.fromCharCode(...bytes.subarray(s, e));
      expect(latin1At(bytes, s, e)).toBe(expected);
      expect(latin1At(embed(bytes.subarray(s, e), 11), 11, 11 + e - s)).toBe(expected);
    }
  });

  it('reads long texts (past the interned size and the fromCharCode chunk)', () => {
    const long = Uint8Array.from({ length: 9000 }, (_, i) => 0x20 + (i % 95));
    expect(latin1At(long, 1, 9000)).toBe(Buffer.from(long.subarray(1)).toString('latin1'));
  });

  it('never answers with another text than the bytes say, however many texts went by (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { minLength: 1, maxLength: 400 }), (texts) => {
        for (const t of texts) expect(latin1At(t, 0, t.length)).toBe(Buffer.from(t).toString('latin1'));
      }),
      { numRuns: 30 },
    );
  });
});

describe('in-place sinks', () => {
  const stream = STREAMS[1]; // zeek/hrr.pcap, server side: HRR, CCS, ServerHello, encrypted flight
  const whole = new Uint8Array(stream.reduce((n, c) => n + c.length, 0));
  stream.reduce((o, c) => (whole.set(c, o), o + c.length), 0);

  it('RecordStream: a sink with recordAt gets the same records, in place, however the bytes are cut', () => {
    const viaViews: string[] = [];
    new RecordStream({ record: (t, v, b) => viaViews.push(`${t}/${v}/${hex(b)}`), sslv2: () => undefined, malformed: () => undefined }).push(whole);
    expect(viaViews.length).toBeGreaterThan(3);
    for (let cut = 0; cut <= whole.length; cut += 7) {
      const inPlace: string[] = [];
      const s = new RecordStream({
        record: () => inPlace.push('record() called'),
        recordAt: (t, v, b, offset, length) => {
          expect(offset + length).toBeLessThanOrEqual(b.length);
          inPlace.push(`${t}/${v}/${hex(b.subarray(offset, offset + length))}`);
        },
        sslv2: () => undefined,
        malformed: () => undefined,
      });
      s.push(whole.subarray(0, cut));
      s.push(whole.subarray(cut));
      expect(inPlace).toEqual(viaViews);
    }
  });

  it('HandshakeAssembler: records pushed at offsets, messages handed over in place, split at any byte', () => {
    const records = W.hexBytes(W.FRAGMENTED_SKE_SHD);
    const ske = records.subarray(5, 5 + 333);
    const shd = records.subarray(5 + 333 + 5);
    const both = new Uint8Array([...ske, ...shd]);
    for (let cut = 0; cut <= both.length; cut++) {
      const got: string[] = [];
      const a = new HandshakeAssembler({
        message: () => got.push('message() called'),
        messageAt: (t, b, offset, length) => got.push(`${t}/${hex(b.subarray(offset, offset + length))}`),
        oversized: () => undefined,
      }, 1000);
      a.push(embed(both.subarray(0, cut), 13), 13, cut);
      a.push(embed(both.subarray(cut), 2), 2, both.length - cut);
      expect(got).toEqual([`12/${hex(ske.subarray(4))}`, `14/${hex(shd.subarray(4))}`]);
    }
  });
});
