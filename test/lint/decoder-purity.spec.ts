import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

// DESIGN.md: libs/decoder does no I/O and imports no framework. The lint rules that
// enforce it must really fire, so feed them offending code as if it lived there.
describe('lint keeps libs/decoder pure', () => {
  beforeAll(() => {
    // The Nx boundary rule reads the cached project graph; make sure there is one.
    execFileSync(process.execPath, [join(ROOT, 'node_modules/nx/dist/bin/nx.js'), 'graph', '--file=.nx/graph.json'], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);

  // The ESLint CLI on stdin, as if the code were saved at `file` (the API needs ESM loading jest lacks).
  const lint = async (code: string, file: string): Promise<string[]> => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', join(ROOT, file)], { cwd: ROOT, input: code, encoding: 'utf8' });
    const [result] = JSON.parse(r.stdout) as { messages: { severity: number; ruleId: string }[] }[];
    return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId);
  };

  // Each offender names the rules that must fire, sorted: Node built-ins are not in the Nx
  // project graph, so only no-restricted-imports catches them; npm packages are caught by both.
  const NX = '@nx/enforce-module-boundaries';
  const RESTRICTED = 'no-restricted-imports';
  it.each([
    ["import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'node:fs', [RESTRICTED]],
    ["import { readFile } from 'fs/promises';\nexport const x = readFile;\n", 'fs/promises', [RESTRICTED]],
    ["import { createServer } from 'net';\nexport const x = createServer;\n", 'net', [RESTRICTED]],
    ["import WebSocket from 'ws';\nexport const x = WebSocket;\n", 'ws', [NX, RESTRICTED]],
    ["import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", '@nestjs/common', [NX, RESTRICTED]],
    ["import { Counter } from 'prom-client';\nexport const x = Counter;\n", 'prom-client', [NX, RESTRICTED]],
    ["import { openLive } from '@shakewatch/pcap';\nexport const x = openLive;\n", 'a type:lib project', [NX]],
  ])('rejects %j in the decoder (%s)', async (code, _what, rules) => {
    expect((await lint(code, 'libs/decoder/src/offender.ts')).sort()).toEqual(rules);
  });

  it.each(['libs/decoder/src/testing/helper.ts', 'libs/decoder/src/link/helper.spec.ts'])(
    'lets test code in the decoder (%s) read fixtures, and still lints it',
    async (file) => {
      expect(await lint("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", file)).toEqual([]);
      expect(await lint('const unused = 1;\n', file)).toEqual(['@typescript-eslint/no-unused-vars']);
    },
  );

  it('rejects a function over 80 lines in the decoder (issue 11), not in its specs', async () => {
    const long = `export function f(n: number): number {\n${'  n++;\n'.repeat(80)}  return n;\n}\n`;
    expect(await lint(long, 'libs/decoder/src/offender.ts')).toEqual(['max-lines-per-function']);
    expect(await lint(long, 'libs/decoder/src/offender.spec.ts')).toEqual([]);
  });

  it('rejects console output in the decoder but allows pure code', async () => {
    expect(await lint("export function f(): void {\n  console.log('x');\n}\n", 'libs/decoder/src/offender.ts')).toEqual(['no-console']);
    expect(await lint('export const twice = (n: number): number => n * 2;\n', 'libs/decoder/src/fine.ts')).toEqual([]);
  });

  it('lets the agent app use node:fs', async () => {
    expect(await lint("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'apps/agent/src/fine.ts')).toEqual([]);
  });
});
