import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './agent-cli';
import { waitForLine } from './netns';
import { processControl, type ProcessControl } from './process-control';

export const HUB = join(ROOT, 'dist/apps/hub/main.js');

export interface TokenSet {
  /** A token file per agent-id pattern, for `run --token-file`. */
  tokenFile: (pattern: string) => string;
  /** The hub's tokens file (hashes only). */
  hubFile: string;
}

/** Tokens for agent-id patterns, written the way an operator would: clear tokens for agents, hashes for the hub. */
export function makeTokens(patterns: string[], dir = mkdtempSync(join(tmpdir(), 'shakewatch-tokens-'))): TokenSet {
  const files = new Map<string, string>();
  const lines = ['# written by the test'];
  patterns.forEach((pattern, i) => {
    const token = randomBytes(24).toString('base64url');
    const f = join(dir, `agent-${i}.token`);
    writeFileSync(f, `${token}\n`, { mode: 0o600 });
    files.set(pattern, f);
    lines.push(`sha256:${createHash('sha256').update(token).digest('hex')} ${pattern}`);
  });
  const hubFile = join(dir, 'hub-tokens');
  writeFileSync(hubFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { hubFile, tokenFile: (p) => files.get(p) ?? (() => { throw new Error(`no token for ${p}`); })() };
}

export interface HubProcess extends ProcessControl {
  port: number;
  url: string;
  metricsUrl: string;
  child: ChildProcess;
  logs: () => string;
  /** Its exit code, once it has exited. */
  exited: Promise<number | null>;
  /** Its resident set (bytes), from /proc. */
  rss: () => number;
}

/**
 * Start the built hub on loopback, port 0 unless `env` names one, and wait until it listens
 * (or fail with its logs if it exits first). `cleanEnv`: the hub gets PATH and `env` only,
 * nothing of the test's environment.
 */
export async function launchHub(env: Record<string, string>, cleanEnv = false): Promise<HubProcess> {
  if (!existsSync(HUB)) throw new Error(`${HUB} is missing: run npm run build first`);
  const base = cleanEnv ? { PATH: process.env.PATH ?? '' } : process.env;
  const child = spawn(process.execPath, [HUB], {
    env: { ...base, SHAKEWATCH_HUB_HOST: '127.0.0.1', SHAKEWATCH_HUB_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const control = processControl(child);
  let logs = '';
  const keep = (d: Buffer) => {
    logs += d.toString();
    if (logs.length > 4_000_000) logs = logs.slice(-2_000_000); // a flooded hub logs a lot
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const died = exited.then((code): string => {
    throw new Error(`hub exited ${code} before listening: ${logs}`);
  });
  const line = await Promise.race([waitForLine(child, /"msg":"hub listening"/, 20_000), died]);
  const actual = Number(JSON.parse(line).port);
  return {
    port: actual,
    url: `ws://127.0.0.1:${actual}/ingest`,
    metricsUrl: `http://127.0.0.1:${actual}/metrics`,
    child,
    logs: () => logs,
    exited,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
    ...control,
  };
}

/** The hub with a tokens file, logging at info, on `port` (0 = a free one). */
export function startHub(tokensFile: string, env: Record<string, string> = {}, port = 0): Promise<HubProcess> {
  return launchHub({ SHAKEWATCH_HUB_PORT: String(port), SHAKEWATCH_HUB_TOKENS_FILE: tokensFile, SHAKEWATCH_HUB_LOG_LEVEL: 'info', ...env });
}

export async function scrape(hub: HubProcess | string): Promise<string> {
  const r = await fetch(typeof hub === 'string' ? hub : hub.metricsUrl);
  if (!r.ok) throw new Error(`GET /metrics: ${r.status}`);
  return r.text();
}

/** Poll until `check` returns a value that is not undefined, or fail with what was last seen. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 250): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
