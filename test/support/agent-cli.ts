import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');
export const AGENT = join(ROOT, 'dist/apps/agent/main.js');
export const FIXTURES = join(ROOT, 'test/fixtures/captures');

/** Run the built agent CLI (npm test builds it first). */
export function agent(args: string[], input?: Buffer): SpawnSyncReturns<string> {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build first`);
  return spawnSync(process.execPath, [AGENT, ...args], { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test events are checked field by field
export function ndjson(stdout: string): Record<string, any>[] {
  return stdout.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
}
