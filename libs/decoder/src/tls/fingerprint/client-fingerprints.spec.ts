import fc from 'fast-check';
import type { ClientHello, ServerHello, TlsExtension } from '../hello-types';
import { clientFingerprints } from './client-fingerprints';
import { md5Hex } from './digest';
import { formatJa3, formatJa3s, ja3, ja3Fields, ja3s, ja3sFields } from './ja3';
import { formatJa4, ja4, ja4Fields, ja4Hash } from './ja4';
import * as H from '../../testing/tls-hellos';

// The one-pass fingerprints (ja3, ja3s, ja4Hash) and the remembered ones (clientFingerprints)
// against the two-step definitions (fields, then format), on random hellos built to hit every
// branch: GREASE, SNI and ALPN, repeated and malformed supported_groups / ec_point_formats,
// odd ALPN bytes, values past 16 bits, and near-identical hellos that must not share a cache entry.

/** JA3 hash by the definition: ja3Fields then formatJa3 (none for SSLv2 or a bad point-format list). */
function referenceJa3(ch: ClientHello): string | undefined {
  const f = ch.sslv2 ? undefined : ja3Fields(ch);
  return f && md5Hex(formatJa3(f));
}

const referenceJa4 = (ch: ClientHello): string => formatJa4(ja4Fields(ch)).ja4;

const GREASE = [0x0a0a, 0x1a1a, 0x2a2a, 0xfafa];
const code16 = (): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(...GREASE, 0x0a1a, 0, 10, 11, 13, 16, 43, 0x1301, 0xc02f, 0xffff), fc.integer({ min: 0, max: 0xffff }));
// Rarely a value past 16 bits: no parser makes one, the fingerprints take their general path.
const code = (): fc.Arbitrary<number> => fc.oneof({ weight: 20, arbitrary: code16() }, { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0xffffff }) });
const bytes = (max: number): fc.Arbitrary<number[]> => fc.array(fc.oneof(fc.nat(255), fc.constantFrom(0x30, 0x61, 0x7a, 0x5a)), { maxLength: max });

/** A body for extension `type`: well formed more often than not for the ones fingerprints read. */
function body(type: number): fc.Arbitrary<Uint8Array> {
  const u16s = (list: number[]): number[] => list.flatMap((v) => [v >> 8, v & 0xff]);
  const shapes: fc.Arbitrary<number[]>[] = [bytes(8)];
  const group = fc.oneof(fc.constantFrom(...GREASE), code16());
  if (type === 10) shapes.push(fc.array(group, { maxLength: 4 }).map((g) => [...u16s([2 * g.length]), ...u16s(g)]));
  if (type === 11) shapes.push(bytes(4).map((f) => [f.length, ...f]));
  if (type === 16) shapes.push(fc.array(bytes(4), { maxLength: 3 }).map((protos) => {
    const list = protos.flatMap((p) => [p.length, ...p]);
    return [...u16s([list.length]), ...list];
  }));
  return fc.oneof(...shapes).map((b) => Uint8Array.from(b));
}

const extension = (): fc.Arbitrary<TlsExtension> =>
  fc.oneof(fc.constantFrom(10, 11), fc.constantFrom(0, 16, ...GREASE, 13, 43, 51), code()).chain((type) => body(type).map((data) => ({ type, data })));

function arbitraryClientHello(): fc.Arbitrary<ClientHello> {
  return fc
    .record({
      version: fc.constantFrom(0x0300, 0x0301, 0x0303, 0x0a0a),
      cipherSuites: fc.array(code(), { maxLength: 8 }),
      extensions: fc.array(extension(), { maxLength: 8 }),
      supportedVersions: fc.option(fc.array(fc.oneof(fc.constantFrom(0x0304, 0x0303, 0x7f17, ...GREASE), code()), { maxLength: 4 }), { nil: undefined }),
      signatureAlgorithms: fc.option(fc.array(code(), { maxLength: 4 }), { nil: undefined }),
      sslv2: fc.boolean(),
    })
    .map((r) => ({
      ...r, random: new Uint8Array(32), sessionId: new Uint8Array(0), compressionMethods: [0],
      pskOffered: false, earlyData: false, sessionTicketPresented: false, ech: false,
    }));
}

describe('fingerprints on random hellos: the fast paths agree with the definitions', () => {
  it('ja3 and ja4Hash', () => {
    fc.assert(
      fc.property(arbitraryClientHello(), (ch) => {
        expect(ja3(ch)?.hash).toBe(referenceJa3(ch));
        if (!ch.sslv2) {
          const f = ja3Fields(ch);
          expect(ja3(ch)?.raw).toBe(f && formatJa3(f));
        }
        expect(ja4Hash(ch)).toBe(referenceJa4(ch));
        expect(ja4Hash(ch, 'quic')).toBe(ja4(ch, 'quic').ja4);
      }),
      { numRuns: 3000 },
    );
  });

  it('ja3s', () => {
    const serverHello = fc.record({ version: code16(), cipherSuite: code(), extensions: fc.array(extension(), { maxLength: 6 }) }).map(
      (r): ServerHello => ({ ...r, random: new Uint8Array(32), sessionId: new Uint8Array(0), compressionMethod: 0, pskSelected: false, helloRetryRequest: false, sslv2: false }),
    );
    fc.assert(
      fc.property(serverHello, (sh) => {
        expect(ja3s(sh)).toEqual({ raw: formatJa3s(ja3sFields(sh)), hash: md5Hex(formatJa3s(ja3sFields(sh))) });
      }),
      { numRuns: 1000 },
    );
  });

  it('clientFingerprints, remembered across hellos that repeat or differ in one input', () => {
    // Small pools, so hellos repeat (cache hits) and near-twins follow each other.
    fc.assert(
      fc.property(fc.array(arbitraryClientHello(), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(3), { maxLength: 30 }), (hellos, order) => {
        for (const i of [0, ...order]) {
          const ch = hellos[i % hellos.length];
          expect(clientFingerprints(ch)).toEqual({ ja3: referenceJa3(ch), ja4: referenceJa4(ch) });
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('fingerprints on edge hellos: the fast paths agree with the definitions', () => {
  const hello = (extensions: [number, number[]][]): ClientHello => ({
    ...H.clientHello(H.SYNTH_NO_EXTENSIONS_CH), extensions: extensions.map(([type, data]) => ({ type, data: Uint8Array.from(data) })),
  });
  it.each([
    ['a first group list of GREASE only, then another', hello([[10, [0, 2, 0x0a, 0x0a]], [10, [0, 2, 0, 29]]])],
    ['an empty point-format list, then another', hello([[11, [0]], [11, [1, 0]]])],
    ['a group list too short to count, then another', hello([[10, [0, 0]], [10, [0, 2, 0, 23]]])],
    ['GREASE extensions only', hello([[0x0a0a, []], [0xfafa, [1]]])],
  ])('%s', (_case, ch) => {
    expect(ja3(ch)?.raw).toBe(formatJa3(ja3Fields(ch)!));
    expect(ja4Hash(ch)).toBe(referenceJa4(ch));
    expect(clientFingerprints(ch)).toEqual({ ja3: referenceJa3(ch), ja4: referenceJa4(ch) });
  });
});

describe('clientFingerprints', () => {
  const base = H.clientHello(H.CHROME_GREASE_CH);
  const withExtension = (ch: ClientHello, type: number, data: Uint8Array): ClientHello => ({
    ...ch, extensions: ch.extensions.map((e) => (e.type === type ? { type, data } : e)),
  });
  // Each changes one input one fingerprint reads, and nothing a parser would re-derive.
  const twins: [string, ClientHello][] = [
    ['another ALPN', withExtension(base, 16, Uint8Array.from([0, 9, 8, ...Buffer.from('http/1.1')]))],
    ['another group list', withExtension(base, 10, Uint8Array.from([0, 2, 0, 23]))],
    ['another point format', withExtension(base, 11, Uint8Array.from([1, 1]))],
    ['other supported versions', { ...base, supportedVersions: [0x0303] }],
    ['no supported versions', { ...base, supportedVersions: undefined }],
    ['other signature algorithms', { ...base, signatureAlgorithms: [0x0401] }],
    ['SSLv2 framing', { ...base, sslv2: true }],
    ['another cipher order', { ...base, cipherSuites: [...base.cipherSuites].reverse() }],
    ['another legacy version', { ...base, version: 0x0301 }],
  ];

  it.each(twins)('tells a hello from its twin with %s', (_change, twin) => {
    const a = clientFingerprints(base);
    const b = clientFingerprints(twin);
    expect(a).toEqual({ ja3: referenceJa3(base), ja4: referenceJa4(base) });
    expect(b).toEqual({ ja3: referenceJa3(twin), ja4: referenceJa4(twin) });
    expect(b).not.toEqual(a);
  });

  it('ignores what neither fingerprint reads: random, session id, key shares', () => {
    const other = { ...withExtension(base, 51, Uint8Array.from([1, 2, 3])), random: new Uint8Array(32).fill(7), sessionId: new Uint8Array(32).fill(9) };
    expect(clientFingerprints(other)).toBe(clientFingerprints(base));
  });
});
