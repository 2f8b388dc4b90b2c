import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { AGENT_ID_HEADER, SUBPROTOCOL, type Hello, type Snapshot } from '@shakewatch/protocol';
import WebSocket, { type ClientOptions } from 'ws';
import { HUB, launchHub, type HubProcess } from '../support/hub-process';

export function newToken(): { token: string; hash: string } {
  const token = randomBytes(24).toString('base64url');
  return { token, hash: `sha256:${createHash('sha256').update(token).digest('hex')}` };
}

export type RunningHub = HubProcess;

/** The built hub with `env` only (no tokens file unless `env` names one), started as hub-process.ts does. */
export function startHub(env: Record<string, string>): Promise<RunningHub> {
  return launchHub(env, true);
}

/** Run the built hub with arguments (hash-token, bad configs) to completion. */
export function runHub(args: string[], env: Record<string, string>, input?: string) {
  return spawnSync(process.execPath, [HUB, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, input, encoding: 'utf8', timeout: 20_000 });
}

export function hello(agentId: string, bootId = 'boot-00000001', intervalSeconds = 10): Hello {
  return { type: 'hello', protocol: 1, agentId, agentVersion: '0.1.0', hostname: 'test-host', bootId, startedAt: Math.floor(Date.now() / 1000), intervalSeconds, capture: { source: 'live', interfaces: ['lo'] } };
}

export function snapshot(bootId: string, seq: number, families: Snapshot['families'], final?: boolean): Snapshot {
  return { type: 'snapshot', bootId, seq, time: Date.now(), families, ...(final === undefined ? {} : { final }) };
}

/** How a connection attempt ended. */
export interface Outcome {
  status?: number;
  code?: number;
  reason?: string;
  error?: string;
  messages: Record<string, unknown>[];
}

export interface ConnectOptions {
  token?: string;
  agentId?: string;
  protocols?: string[];
  url?: string;
  ws?: ClientOptions;
}

/** Open a connection as an agent would (token, agent id header, subprotocol), overridable piece by piece. */
export function connect(port: number, o: ConnectOptions): WebSocket {
  const headers: Record<string, string> = {};
  if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
  if (o.agentId !== undefined) headers[AGENT_ID_HEADER] = o.agentId;
  return new WebSocket(o.url ?? `ws://127.0.0.1:${port}/ingest`, o.protocols ?? [SUBPROTOCOL], { headers, perMessageDeflate: false, ...o.ws });
}

/**
 * Connect, run `script` once open (and on each message), and resolve with how it ended:
 * an HTTP status, a close code and reason, or a client-side error.
 */
export function attempt(port: number, o: ConnectOptions, script: (ws: WebSocket, msg?: Record<string, unknown>) => void = () => {}, timeoutMs = 15_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = connect(port, o);
    const messages: Record<string, unknown>[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      resolve({ error: 'timeout', messages });
    }, timeoutMs);
    const done = (out: Omit<Outcome, 'messages'>) => {
      clearTimeout(timer);
      resolve({ ...out, messages });
    };
    ws.on('unexpected-response', (req, res) => {
      done({ status: res.statusCode });
      req.destroy();
    });
    ws.on('open', () => script(ws));
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      messages.push(m);
      script(ws, m);
    });
    ws.on('close', (code, reason) => done({ code, reason: reason.toString() }));
    ws.on('error', (e) => done({ error: (e as Error).message }));
  });
}

/** Run `fn` over `items` with at most `limit` at once. */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}
