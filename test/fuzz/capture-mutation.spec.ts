import { randomInt } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { agent, FIXTURES } from '../support/agent-cli';
import { readClassicPcap, writeClassicPcap, writePcapng } from './capture-layout';
import { commandLine, runAgent } from './cli-runner';
import { makeMutant, type CaptureSeed, type Mutant } from './mutators';
import { agreementProblems, ndjsonProblems, prometheusProblems, runProblems, textProblems, type CliRun, type Command } from './output-checks';

// Issue 13, "hostile input", at the process level: mutants of the committed captures go
// through the real CLI (inspect text, inspect ndjson, run --read) and every run must end
// by itself with 0 or 1, say at most one clear line, never a stack trace, print valid
// JSON / Prometheus text with ISO timestamps, and the three must agree on the file.
// (libs/decoder/src/fuzz.spec.ts fuzzes the decoder in-process; this is the CLI around it.)
//
// SHAKEWATCH_FUZZ_SECONDS: the time budget (default 60), split between the fixed seed
// and a random one. SHAKEWATCH_FUZZ_SEED=<n>: only that seed, for the whole budget.
// Mutant #i of a seed is the same bytes on every run (mutators.ts), so a replayed seed
// meets its failing mutant again; the failing file itself is kept too.

const FIXED_SEED = 20261205;
const PER_PROCESS_TIMEOUT_MS = 15_000;
const WORKERS = 2;
const KEEP_AT_MOST = 20;
const FAILURES_DIR = join(tmpdir(), 'shakewatch-fuzz-failures');

function budgetSeconds(): number {
  const raw = process.env.SHAKEWATCH_FUZZ_SECONDS;
  if (raw === undefined || raw === '') return 60;
  const v = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(v > 0)) throw new Error(`SHAKEWATCH_FUZZ_SECONDS must be a number of seconds > 0, not ${JSON.stringify(raw)}`);
  return v;
}

function seeds(): number[] {
  const raw = process.env.SHAKEWATCH_FUZZ_SEED;
  if (raw === undefined || raw === '') return [FIXED_SEED, randomInt(1, 2 ** 32)];
  if (!/^\d+$/.test(raw) || Number(raw) >= 2 ** 32) throw new Error(`SHAKEWATCH_FUZZ_SEED must be a whole number below 2^32, not ${JSON.stringify(raw)}`);
  return [Number(raw)];
}

const BUDGET_S = budgetSeconds();
const SEEDS = seeds();

const corpus: CaptureSeed[] = readdirSync(FIXTURES)
  .filter((n) => /\.pcap(ng)?$/.test(n))
  .sort()
  .map((name) => ({ name, bytes: readFileSync(join(FIXTURES, name)) }));

const work = mkdtempSync(join(tmpdir(), 'shakewatch-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const commands = (file: string): [Command, string[]][] => [
  ['inspect-text', ['inspect', file, '--format', 'text']],
  ['inspect-ndjson', ['inspect', file, '--format', 'ndjson']],
  ['run', ['run', '--read', file, '--print-metrics', '--log-level', 'warn', '--replay-speed', 'max', '--agent-id', 'fuzz']],
];

interface Checked {
  runs: Record<Command, CliRun>;
  problems: string[];
}

/** The three commands on one file, one after the other, and every check on their output. */
async function check(file: string): Promise<Checked> {
  const runs = {} as Record<Command, CliRun>;
  const problems: string[] = [];
  for (const [command, args] of commands(file)) {
    const r = await runAgent(args, PER_PROCESS_TIMEOUT_MS);
    runs[command] = r;
    const own = [
      ...runProblems(command, r),
      ...(command === 'inspect-text' ? textProblems(r.stdout) : command === 'inspect-ndjson' ? ndjsonProblems(r.stdout) : prometheusProblems(r.stdout)),
    ];
    problems.push(...own.map((p) => `${command}: ${p}`));
  }
  problems.push(...agreementProblems(runs['inspect-text'], runs['inspect-ndjson'], runs.run).map((p) => `agreement: ${p}`));
  return { runs, problems };
}

/** Keep a failing mutant where a person can run it again, with what each command did. */
function keep(file: string, label: string, mutant: Mutant, c: Checked): string {
  mkdirSync(FAILURES_DIR, { recursive: true });
  const kept = join(FAILURES_DIR, basename(file));
  copyFileSync(file, kept);
  const report = [
    `# ${label} from ${mutant.base}`,
    '',
    'mutations:',
    ...mutant.ops.map((o) => `  ${o}`),
    '',
    'problems:',
    ...c.problems.map((p) => `  ${p}`),
    ...Object.entries(c.runs).flatMap(([name, r]) => [
      '',
      `## ${name}`,
      `$ ${commandLine({ ...r, args: r.args.map((a) => (a === file ? kept : a)) })}`,
      `exit code ${r.code}${r.signal ? `, signal ${r.signal}` : ''}${r.timedOut ? ', timed out (killed)' : ''}, ${r.ms} ms`,
      '--- stderr',
      r.stderr.slice(0, 8000),
      '--- stdout (first 4000 characters)',
      r.stdout.slice(0, 4000),
    ]),
  ].join('\n');
  writeFileSync(`${kept}.txt`, `${report}\n`);
  return kept;
}

describe('capture layouts and mutants', () => {
  it('a mutant is a pure function of (seed, index)', () => {
    for (let i = 0; i < 30; i++) {
      const a = makeMutant(FIXED_SEED, i, corpus);
      const b = makeMutant(FIXED_SEED, i, corpus);
      expect(b.ops).toEqual(a.ops);
      expect(b.bytes.equals(a.bytes)).toBe(true);
    }
    expect(makeMutant(FIXED_SEED, 0, corpus).bytes.equals(makeMutant(FIXED_SEED + 1, 0, corpus).bytes)).toBe(false);
  });

  it('the re-written containers hold the same capture (so their mutants are meaningful)', () => {
    for (const name of ['tcp-mixed.pcapng', 'tcp-nanosecond.pcap', 'tcp-vlan.pcap', 'tls-basic.pcap']) {
      const original = join(FIXTURES, name);
      const expected = agent(['inspect', original, '-f', 'ndjson']);
      expect(expected.status).toBe(0);
      if (name.endsWith('.pcapng')) continue;
      const p = readClassicPcap(readFileSync(original));
      const variants: [string, Buffer][] = [
        ['be.pcap', writeClassicPcap(p, { le: false })],
        ['same.pcap', writeClassicPcap(p, { le: true })],
        ['le.pcapng', writePcapng(p, { le: true, tsresol: p.nanos ? 9 : undefined })],
        ['be.pcapng', writePcapng(p, { le: false, tsresol: 9, tsoffset: -86400n, extraInterfaces: 2 })],
      ];
      for (const [suffix, bytes] of variants) {
        const file = join(work, `${name}.${suffix}`);
        writeFileSync(file, bytes);
        const r = agent(['inspect', file, '-f', 'ndjson']);
        expect([suffix, r.status, r.stderr]).toEqual([suffix, 0, '']);
        expect(r.stdout).toBe(expected.stdout);
      }
    }
  });
});

describe('the committed captures', () => {
  it('pass every check (no false alarms before anything is mutated)', async () => {
    const failures: string[] = [];
    const queue = [...corpus];
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
          const c = await check(join(FIXTURES, s.name));
          if (c.runs['inspect-ndjson'].code !== 0) c.problems.push('inspect ndjson: a committed capture is reported as damaged');
          if (c.problems.length > 0) failures.push(`${s.name}: ${c.problems.join('; ')}`);
        }
      }),
    );
    expect(failures).toEqual([]);
  }, 120_000);
});

describe(`capture mutation fuzzing through the real CLI (${BUDGET_S} s, seeds ${SEEDS.join(', ')})`, () => {
  it(
    'every mutant: exits 0 or 1 by itself, one clear line when damaged, no stack trace, valid output, the three commands agree',
    async () => {
      process.stderr.write(
        `capture fuzz: seeds ${SEEDS.join(', ')} (${SEEDS.length > 1 ? 'fixed, then random' : 'SHAKEWATCH_FUZZ_SEED'}), ${BUDGET_S} s, ${WORKERS} processes at a time; ` +
          `replay one with SHAKEWATCH_FUZZ_SEED=<n> SHAKEWATCH_FUZZ_SECONDS=<s>\n`,
      );
      const start = Date.now();
      const failures: string[] = [];
      const perSeed: string[] = [];
      let mutants = 0;
      let runs = 0;
      let damaged = 0;
      for (const [k, seed] of SEEDS.entries()) {
        const deadline = start + (BUDGET_S * 1000 * (k + 1)) / SEEDS.length;
        let next = 0;
        await Promise.all(
          Array.from({ length: WORKERS }, async () => {
            while (Date.now() < deadline) {
              const index = next++;
              const mutant = makeMutant(seed, index, corpus);
              const ext = mutant.bytes.subarray(0, 4).equals(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a])) ? 'pcapng' : 'pcap';
              const file = join(work, `seed${seed}-mutant${index}-${mutant.base.replace(/\.pcap(ng)?$/, '')}.${ext}`);
              writeFileSync(file, mutant.bytes);
              const c = await check(file);
              mutants++;
              runs += 3;
              if (c.runs['inspect-ndjson'].code === 1) damaged++;
              if (c.problems.length > 0) {
                const where = failures.length < KEEP_AT_MOST ? `kept: ${keep(file, `seed ${seed} mutant #${index}`, mutant, c)} (commands, exit codes and stderr in the .txt beside it)` : 'not kept (too many failures)';
                failures.push(`seed ${seed} mutant #${index} (${mutant.base}: ${mutant.ops.join('; ')}): ${c.problems.join('; ')}; ${where}`);
              }
              unlinkSync(file);
            }
          }),
        );
        perSeed.push(`${seed}: ${next} mutants`);
      }
      process.stderr.write(
        `capture fuzz: ${mutants} mutants, ${runs} runs, ${damaged} damaged (exit 1), ${failures.length} failing, in ${((Date.now() - start) / 1000).toFixed(1)} s; seeds ${perSeed.join(', ')}\n`,
      );
      expect(failures).toEqual([]);
    },
    BUDGET_S * 1000 + 3 * PER_PROCESS_TIMEOUT_MS + 60_000,
  );
});
