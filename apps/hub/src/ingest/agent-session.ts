import { AgentMessageSchema, checkSnapshot, describeSchemaError, PROTOCOL_VERSION, REJECT_REASONS, type Hello, type RejectReason, type Snapshot, type Welcome } from '@shakewatch/protocol';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { Clock } from '../config/tokens';
import type { HubHealth } from '../metrics/hub-health';
import type { AgentRegistry } from '../registry/agent-registry';
import { RateLimiter } from '../registry/rate-limiter';

export type SessionState = 'awaiting-hello' | 'reporting' | 'closed';

/** What a session needs from the hub: one object shared by every connection. */
export interface SessionContext {
  readonly registry: AgentRegistry;
  readonly health: HubHealth;
  readonly log: Logger;
  readonly clock: Clock;
  readonly hubId: () => string;
  readonly limits: { messageBurst: number; messagesPerSecond: number; maxSeriesPerAgent: number; helloTimeoutSeconds: number };
  /** The session said a good hello: any older connection of the same agent must go. */
  readonly reporting: (s: AgentSession) => void;
  readonly closed: (s: AgentSession) => void;
}

/** A hello from a newer (or older) agent, recognised before its fields are judged by this version's schema. */
function otherVersionHello(msg: unknown): boolean {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as { type?: unknown; protocol?: unknown };
  return m.type === 'hello' && typeof m.protocol === 'number' && m.protocol !== PROTOCOL_VERSION;
}

/**
 * One agent connection, an explicit state machine: awaiting-hello -> reporting -> closed.
 * Every refusal closes this connection only, with the reason's close code and its code
 * as the close reason, and is counted; nothing here can disturb another connection.
 */
export class AgentSession {
  state: SessionState = 'awaiting-hello';
  /** A pong (or the connection's start) since the last ping. */
  alive = true;
  private readonly limiter: RateLimiter;
  private helloTimer: NodeJS.Timeout | undefined;
  private admitted = false;
  private bootId = '';

  constructor(
    readonly id: number,
    readonly agentId: string,
    readonly remote: string | undefined,
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
  ) {
    this.limiter = new RateLimiter(ctx.limits.messageBurst, ctx.limits.messagesPerSecond, ctx.clock);
    this.helloTimer = setTimeout(() => this.reject('hello_timeout'), ctx.limits.helloTimeoutSeconds * 1000);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (err) => this.onError(err as Error & { code?: string }));
    ws.once('close', (code) => this.onClose(code));
  }

  /** Close with a refusal reason: counted, logged, and the agent told why. */
  reject(reason: RejectReason, detail?: string): void {
    if (this.state === 'closed') return;
    this.enterClosed();
    this.ctx.health.rejected(reason);
    this.ctx.log.warn({ reason, agent: this.agentId, remote: this.remote, detail }, 'agent connection refused');
    const code = (REJECT_REASONS[reason] as { close?: number }).close ?? 1008;
    this.ws.close(code, reason);
  }

  /** Heartbeat: ping, or end a connection that did not answer the previous ping. */
  ping(): void {
    if (this.state === 'closed') return;
    if (!this.alive) {
      this.enterClosed();
      this.ctx.health.rejected('heartbeat_timeout');
      this.ctx.log.warn({ reason: 'heartbeat_timeout', agent: this.agentId, remote: this.remote }, 'agent connection refused');
      // Tell it why if it is still there, but do not wait for a peer that stopped answering.
      this.ws.close(REJECT_REASONS.heartbeat_timeout.close, 'heartbeat_timeout');
      setTimeout(() => this.ws.terminate(), 1000).unref();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  /** The hub is stopping. */
  shutdown(): void {
    if (this.state === 'closed') return;
    this.enterClosed();
    this.ws.close(1001, 'hub shutting down');
  }

  /** Sever the connection without a closing handshake (the last step of shutdown). */
  terminate(): void {
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    // Before anything is parsed: a flood costs a subtraction a frame.
    if (!this.limiter.take()) return this.reject('rate_limited');
    if (isBinary) return this.reject('bad_json', 'binary frame (messages are JSON text)');
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return this.reject('bad_json');
    }
    if (otherVersionHello(msg)) return this.reject('unsupported_version', `protocol ${(msg as { protocol: number }).protocol}`);
    const parsed = AgentMessageSchema.safeParse(msg);
    if (!parsed.success) return this.reject('bad_schema', describeSchemaError(parsed.error));
    if (parsed.data.type === 'hello') this.onHello(parsed.data);
    else this.onSnapshot(parsed.data);
  }

  private onHello(hello: Hello): void {
    if (this.state !== 'awaiting-hello') return this.reject('out_of_order', 'a second hello');
    if (hello.agentId !== this.agentId) return this.reject('agent_mismatch', `hello names ${hello.agentId}`);
    const admitted = this.ctx.registry.admit(hello, this.id, this.ctx.hubId());
    if (!admitted) return this.reject('hub_full');
    clearTimeout(this.helloTimer);
    this.state = 'reporting';
    this.admitted = true;
    this.bootId = hello.bootId;
    this.ctx.health.acceptedMessage('hello');
    this.ctx.reporting(this);
    let handover = {};
    if (admitted.holdMs > 0) {
      this.ctx.health.handover();
      handover = { movedFrom: hello.movedFrom?.hubId, hiddenSeconds: admitted.holdMs / 1000 };
    }
    this.ctx.log.info({ agent: this.agentId, remote: this.remote, version: hello.agentVersion, bootId: hello.bootId, lastSeq: admitted.lastSeq, ...handover }, 'agent connected');
    this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, hubId: this.ctx.hubId(), lastSeq: admitted.lastSeq } satisfies Welcome);
  }

  private onSnapshot(s: Snapshot): void {
    if (this.state !== 'reporting') return this.reject('out_of_order', 'snapshot before hello');
    if (s.bootId !== this.bootId) return this.reject('bad_schema', 'snapshot bootId differs from the hello');
    if (this.ctx.registry.isStale(this.agentId, s.bootId, s.seq)) {
      this.ctx.registry.snapshot(this.agentId, this.id, s);
      this.ctx.health.ignoredSnapshot();
      return this.send({ type: 'ack', seq: s.seq });
    }
    const problem = checkSnapshot(s, this.ctx.limits.maxSeriesPerAgent);
    if (problem) return this.reject(problem.reason, problem.detail);
    if (this.ctx.registry.snapshot(this.agentId, this.id, s) === 'kept') this.ctx.health.acceptedMessage('snapshot');
    else this.ctx.health.ignoredSnapshot();
    this.send({ type: 'ack', seq: s.seq });
  }

  private onError(err: Error & { code?: string }): void {
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      // ws has already sent close 1009; count it as ours.
      if (this.state !== 'closed') {
        this.enterClosed();
        this.ctx.health.rejected('too_large');
        this.ctx.log.warn({ reason: 'too_large', agent: this.agentId, remote: this.remote }, 'agent connection refused');
      }
      return;
    }
    // Protocol violations (bad opcode, invalid UTF-8, ...): ws closes the connection itself.
    this.ctx.log.warn({ agent: this.agentId, remote: this.remote, err: err.message, code: err.code }, 'agent connection error');
    this.enterClosed();
  }

  private onClose(code: number): void {
    const wasOpen = this.state !== 'closed';
    this.enterClosed();
    if (wasOpen) this.ctx.log.info({ agent: this.agentId, remote: this.remote, code }, 'agent disconnected');
    this.ctx.closed(this);
  }

  private enterClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.helloTimer);
    if (this.admitted) this.ctx.registry.disconnect(this.agentId, this.id);
  }

  private send(m: object): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(m));
  }
}
