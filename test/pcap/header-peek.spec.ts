/**
 * The flow bypass's header peek against the TypeScript decoder (peek-compare.ts) on every
 * packet of the recorded captures (test/fixtures/captures/*), those packets cut at every
 * length and mutated at random; with SHAKEWATCH_CORPUS set, on the public corpus too
 * (test/conformance/header-peek.spec.ts runs that part where the corpus is required).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { CaptureReader, PacketDecoder, type RawPacket } from '@shakewatch/decoder';
import { FIXTURES } from '../support/agent-cli';
import { captureFiles, compareFile, compareFrame, emptyTally, report } from './peek-compare';

describe('header peek vs the decoder', () => {
  it('agrees on every packet of the recorded captures, and reads every TCP packet of them', () => {
    const files = captureFiles(FIXTURES);
    expect(files.length).toBeGreaterThanOrEqual(20);
    const t = emptyTally();
    for (const f of files) compareFile(f, relative(FIXTURES, f), t);
    process.stderr.write(`header-peek.spec: ${report('fixtures', t)}\n`);
    expect(t.disagreements).toEqual([]);
    // Ethernet (VLAN too), Linux cooked v2, IPv4 and IPv6: what a live capture gives.
    expect(t.notUnderstoodTcp.size).toBe(0);
    expect(t.agreed).toBeGreaterThan(900);
  });

  it('agrees on those packets cut at every length and with header bytes changed at random (seeded)', () => {
    const frames: { raw: RawPacket; frame: Uint8Array; name: string }[] = [];
    for (const f of captureFiles(FIXTURES)) {
      const reader = new CaptureReader((raw) => frames.push({ raw: { ...raw }, frame: raw.data.slice(raw.offset, raw.offset + raw.caplen), name: relative(FIXTURES, f) }));
      reader.push(readFileSync(f));
    }
    let seed = 12;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const decoder = new PacketDecoder();
    const t = emptyTally();
    for (const { raw, frame, name } of frames) {
      for (let cut = 0; cut < Math.min(frame.length, 120); cut++) compareFrame(decoder, raw, frame.slice(0, cut), `${name} cut at ${cut}`, t);
      for (let k = 0; k < 40; k++) {
        const m = frame.slice();
        // 1 to 3 bytes among the first 100 (link, IP and TCP headers), any value; sometimes cut too
        for (let n = 1 + Math.floor(random() * 3); n > 0; n--) m[Math.floor(random() * Math.min(m.length, 100))] = Math.floor(random() * 256);
        const cut = random() < 0.3 ? Math.floor(random() * m.length) : m.length;
        compareFrame(decoder, raw, m.subarray(0, cut), `${name} mutant ${k}`, t);
      }
    }
    process.stderr.write(`header-peek.spec: ${report('fixtures cut and mutated', t)}\n`);
    expect(t.disagreements.slice(0, 20)).toEqual([]);
    expect(t.packets).toBeGreaterThan(100_000);
  });

  const corpus = process.env.SHAKEWATCH_CORPUS;
  (corpus ? it : it.skip)(`agrees on every packet of the public corpus (SHAKEWATCH_CORPUS=${corpus ?? 'unset'})`, () => {
    const files = captureFiles(corpus as string);
    expect(files.length).toBeGreaterThan(100);
    const t = emptyTally();
    for (const f of files) compareFile(f, relative(corpus as string, f), t);
    process.stderr.write(`header-peek.spec: ${report(`corpus (${files.length} files)`, t)}\n`);
    expect(t.disagreements.slice(0, 20)).toEqual([]);
    expect(t.agreed).toBeGreaterThan(5_000);
  }, 300_000);
});
