import {
  AGENT_ACK_TIMEOUT_INTERVALS, AGENT_ID_HEADER, HubMessageSchema, INGEST_PATH, PERMANENT_CLOSE_CODES, REJECT_REASONS, SUBPROTOCOL, reasonForCloseCode,
  type Hello, type Snapshot,
} from '@shakewatch/protocol';
import { rootCertificates } from 'node:tls';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { HubAuth } from '../cli/run-config';
import { Backoff } from './backoff';

/** A hub sends only `welcome` and `ack`: anything larger is not a hub speaking. */
export const HUB_MAX_PAYLOAD_BYTES = 64 * 1024;
/** Time for the TCP connection, TLS and the upgrade. */
export const HUB_HANDSHAKE_TIMEOUT_MS = 10_000;
/** At the end, how long the final snapshot may take to be acknowledged (connecting first if needed). */
export const FINAL_ACK_TIMEOUT_MS = 5_000;
/** Snapshots are cumulative: while this much is still unsent on the socket, a new one waits for the next interval. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface HubPublisherOptions {
  /** ws:// or wss:// URLs, tried in turn. */
  urls: string[];
  auth: HubAuth;
  agentId: string;
  hello: Hello;
  intervalSeconds: number;
  /** Longest wait between attempts (and the wait after a permanent refusal). */
  retryMaxSeconds: number;
  /** The current cumulative totals. */
  takeSnapshot: () => Snapshot['families'];
  log: Logger;
  random?: () => number;
}

/** A hub URL without credentials (the only form that reaches the logs); `/ingest` when it names no path. */
export function normalizeHubUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '' || u.pathname === '/') u.pathname = INGEST_PATH;
  return u.toString();
}

function redact(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

const HTTP_REASONS: Record<number, string> = Object.fromEntries(
  Object.values(REJECT_REASONS).flatMap((r) => ('http' in r ? [[r.http, r.text]] : [])),
);

/**
 * Publishes the agent's cumulative snapshots to a hub over WebSocket (DESIGN.md, "Agent ->
 * hub protocol"): hello, then on `welcome` the current totals at once and then every
 * interval, each acknowledged. A hub that stops acknowledging for AGENT_ACK_TIMEOUT_INTERVALS
 * intervals is given up; any failure moves to the next URL after a backoff with jitter.
 * Snapshots are cumulative, so while no hub is reachable nothing is lost: the next one
 * carries everything. Refusals that will not fix themselves (bad token, agent id not
 * allowed, a snapshot the hub refuses) are logged as errors and retried at the long wait.
 */
export class HubPublisher {
  private readonly urls: string[];
  private readonly backoff: Backoff;
  private readonly ackTimeoutMs: number;
  private index = 0;
  private seq = 0;
  private ws: WebSocket | null = null;
  private welcomed = false;
  private ticker: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopping: { deadline: number; finalSeq: number; done: () => void } | null = null;
  /** The hub that welcomed the current connection. */
  private hubId: string | null = null;
  /** The last hub this boot lost after it welcomed us, and when (performance.now()): told to the next hub (hello.movedFrom). */
  private lastHub: { hubId: string; lostAt: number } | null = null;

  constructor(private readonly o: HubPublisherOptions) {
    this.urls = o.urls.map(normalizeHubUrl);
    this.backoff = new Backoff(500, o.retryMaxSeconds * 1000, o.random);
    this.ackTimeoutMs = AGENT_ACK_TIMEOUT_INTERVALS * o.intervalSeconds * 1000;
  }

  start(): void {
    this.connect();
  }

  /**
   * The agent is stopping (its totals are final): send them with `final: true` on the
   * current connection, or on the next one if none is up, wait for the ack (at most
   * FINAL_ACK_TIMEOUT_MS in all), close with 1000.
   */
  stop(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.o.log.warn({ hub: this.hub, seconds: FINAL_ACK_TIMEOUT_MS / 1000 }, 'final snapshot not acknowledged by a hub');
        finish();
      }, FINAL_ACK_TIMEOUT_MS);
      const finish = () => {
        clearTimeout(timer);
        this.clearTimers();
        const ws = this.ws;
        this.ws = null;
        if (ws === null || ws.readyState === WebSocket.CLOSED) return resolve();
        if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'agent stopping');
        else ws.terminate();
        // The closing handshake is short; do not wait on a peer that does not answer it.
        const giveUp = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000);
        ws.once('close', () => {
          clearTimeout(giveUp);
          resolve();
        });
      };
      this.stopping = { deadline: Date.now() + FINAL_ACK_TIMEOUT_MS, finalSeq: Number.POSITIVE_INFINITY, done: finish };
      if (this.welcomed) this.send(true);
      else if (this.retry !== null) {
        // Between attempts: try again at once, there is no later.
        clearTimeout(this.retry);
        this.retry = null;
        this.connect();
      }
    });
  }

  private get hub(): string {
    return redact(this.urls[this.index]);
  }

  private connect(): void {
    this.retry = null;
    const url = this.urls[this.index];
    const { auth } = this.o;
    const ws = new WebSocket(url, SUBPROTOCOL, {
      headers: { authorization: `Bearer ${auth.token}`, [AGENT_ID_HEADER]: this.o.agentId },
      maxPayload: HUB_MAX_PAYLOAD_BYTES,
      handshakeTimeout: HUB_HANDSHAKE_TIMEOUT_MS,
      perMessageDeflate: false,
      // --hub-ca-file adds a CA to the system's, it does not replace them.
      ca: auth.ca ? [...rootCertificates, auth.ca] : undefined,
      cert: auth.cert,
      key: auth.key,
    });
    this.ws = ws;
    this.welcomed = false;
    let opened = false;
    let failure: string | null = null;
    ws.on('open', () => {
      opened = true;
      ws.send(JSON.stringify(this.hello()));
    });
    ws.on('message', (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on('error', (e) => (failure ??= e.message));
    ws.on('close', (code, reasonBytes) => {
      if (this.ws !== ws) return; // stop() closed it
      this.clearTimers();
      this.ws = null;
      if (this.welcomed && this.hubId !== null) this.lastHub = { hubId: this.hubId, lostAt: performance.now() };
      this.welcomed = false;
      const hub = this.hub;
      let permanent = false;
      if (opened) {
        const reason = reasonBytes.toString() || reasonForCloseCode(code) || '';
        permanent = PERMANENT_CLOSE_CODES.has(code);
        const fields = { hub, code, reason, ...(failure ? { error: failure } : {}) };
        if (permanent) this.o.log.error(fields, 'hub connection lost');
        else this.o.log.warn(fields, 'hub connection lost');
      } else {
        const status = /Unexpected server response: (\d+)/.exec(failure ?? '');
        if (status) {
          const n = Number(status[1]);
          permanent = n === 401 || n === 403;
          const fields = { hub, status: n, reason: HTTP_REASONS[n] ?? 'not a Shakewatch hub ingest endpoint' };
          if (permanent) this.o.log.error(fields, 'hub refused the connection');
          else this.o.log.warn(fields, 'hub refused the connection');
        } else this.o.log.warn({ hub, error: failure ?? `closed (${code})` }, 'cannot reach hub');
      }
      this.scheduleRetry(permanent);
    });
  }

  private scheduleRetry(permanent: boolean): void {
    this.index = (this.index + 1) % this.urls.length;
    let delay = permanent ? this.backoff.long() : this.backoff.next();
    if (this.stopping) {
      const left = this.stopping.deadline - Date.now();
      if (left <= 0) return;
      delay = Math.min(delay, Math.max(0, left - HUB_HANDSHAKE_TIMEOUT_MS / 10));
    }
    this.o.log.info({ hub: this.hub, delaySeconds: Math.round(delay) / 1000 }, 'retrying hub');
    this.retry = setTimeout(() => this.connect(), delay);
    this.retry.unref();
  }

  private onMessage(ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    let msg: unknown;
    try {
      msg = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      msg = undefined;
    }
    const parsed = HubMessageSchema.safeParse(msg);
    if (!parsed.success) {
      this.o.log.warn({ hub: this.hub }, 'hub sent a message this agent does not understand; reconnecting');
      ws.terminate();
      return;
    }
    const m = parsed.data;
    if (m.type === 'welcome') {
      if (this.welcomed) return;
      this.welcomed = true;
      this.hubId = m.hubId;
      this.backoff.reset();
      this.o.log.info({ hub: this.hub, hubId: m.hubId }, 'connected to hub');
      this.armWatchdog();
      this.send(this.stopping !== null);
      this.ticker = setInterval(() => this.send(false), this.o.intervalSeconds * 1000);
      this.ticker.unref();
      return;
    }
    // ack
    this.armWatchdog();
    if (this.stopping && m.seq >= this.stopping.finalSeq) this.stopping.done();
  }

  /** The hello, saying which hub this boot left last and how long ago (that hub may still be showing our series). */
  private hello(): Hello {
    if (this.lastHub === null) return this.o.hello;
    const secondsAgo = Math.round(performance.now() - this.lastHub.lostAt) / 1000;
    return { ...this.o.hello, movedFrom: { hubId: this.lastHub.hubId, secondsAgo } };
  }

  /** One snapshot of the current totals (the final one when the agent stops). */
  private send(final: boolean): void {
    const ws = this.ws;
    if (ws === null || !this.welcomed || ws.readyState !== WebSocket.OPEN) return;
    if (this.stopping && !final) return;
    if (!final && ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.o.log.warn({ hub: this.hub, buffered: ws.bufferedAmount }, 'hub is slow to take snapshots; skipping one (the next carries the same totals)');
      return;
    }
    const seq = ++this.seq;
    const snapshot: Snapshot = { type: 'snapshot', bootId: this.o.hello.bootId, seq, time: Date.now(), ...(final ? { final: true } : {}), families: this.o.takeSnapshot() };
    if (final && this.stopping) this.stopping.finalSeq = seq;
    ws.send(JSON.stringify(snapshot));
  }

  /** Nothing acknowledged for AGENT_ACK_TIMEOUT_INTERVALS intervals: the hub is gone (or stuck); try another. */
  private armWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const ws = this.ws;
    this.watchdog = setTimeout(() => {
      if (ws === null || this.ws !== ws) return;
      this.o.log.warn({ hub: this.hub, seconds: this.ackTimeoutMs / 1000 }, 'hub stopped acknowledging snapshots');
      ws.terminate();
    }, this.ackTimeoutMs);
    this.watchdog.unref();
  }

  private clearTimers(): void {
    if (this.ticker) clearInterval(this.ticker);
    if (this.watchdog) clearTimeout(this.watchdog);
    if (this.retry) clearTimeout(this.retry);
    this.ticker = this.watchdog = this.retry = null;
  }
}
