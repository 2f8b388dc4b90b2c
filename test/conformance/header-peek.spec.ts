/**
 * The flow bypass's header peek against the TypeScript decoder (test/pcap/peek-compare.ts)
 * on every packet of every pcap and pcapng file of the public corpus: the same 4-tuple,
 * flags and payload length, or "not understood" (passed up untouched by a capture).
 * Run: SHAKEWATCH_CORPUS=/path/to/public npx jest --selectProjects conformance
 */
import { relative } from 'node:path';
import { captureFiles, compareFile, emptyTally, report } from '../pcap/peek-compare';

const corpus = process.env.SHAKEWATCH_CORPUS;

describe('header peek vs the decoder on the public corpus', () => {
  it('agrees on every packet', () => {
    if (!corpus) throw new Error('SHAKEWATCH_CORPUS is not set: point it at the public capture corpus (e.g. /work/shared/captures/public)');
    const files = captureFiles(corpus);
    expect(files.length).toBeGreaterThan(100);
    const t = emptyTally();
    for (const f of files) compareFile(f, relative(corpus, f), t);
    process.stderr.write(`header-peek (conformance): ${report(`corpus (${files.length} files)`, t)}\n`);
    expect(t.disagreements.slice(0, 20)).toEqual([]);
    expect(t.agreed).toBeGreaterThan(5_000);
  }, 300_000);
});
