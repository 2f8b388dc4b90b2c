// Compiles the library and the child harness to plain JavaScript for child processes
// (ts-jest only compiles inside jest): each file on its own with TypeScript's
// transpileModule, laid out as in src/, and tells the children where the binding is.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import { addonCandidates } from '../native';

const FILES = ['index.ts', 'errors.ts', 'native.ts', 'testing/child-harness.ts'];

export interface ChildBuild {
  harness: string;
  env: NodeJS.ProcessEnv;
}

export function compileForChild(outDir: string): ChildBuild {
  const src = join(__dirname, '..');
  for (const file of FILES) {
    const { outputText } = ts.transpileModule(readFileSync(join(src, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    });
    const out = join(outDir, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  const addon = addonCandidates().find((f) => existsSync(f));
  if (!addon) throw new Error('the binding is not built (libs/pcap/build/Release/shakewatch_pcap.node)');
  return { harness: join(outDir, 'testing', 'child-harness.js'), env: { ...process.env, SHAKEWATCH_PCAP_ADDON: addon } };
}
