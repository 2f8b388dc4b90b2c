import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AGENT_ID_HEADER } from '@shakewatch/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { HubConfig } from '../config/hub-config';
import { CLOCK, HUB_CONFIG, HUB_LOGGER, type Clock } from '../config/tokens';
import { HubHealth } from '../metrics/hub-health';
import { AgentRegistry } from '../registry/agent-registry';
import { HubIdentity } from '../http/hub-identity';
import { AgentSession, type SessionContext } from './agent-session';

/**
 * Every open agent connection: starts sessions, makes a newer connection of an agent
 * supersede the older, pings them all on one timer, and closes them at shutdown.
 */
@Injectable()
export class IngestSessions implements OnModuleDestroy {
  private readonly sessions = new Set<AgentSession>();
  private readonly byAgent = new Map<string, AgentSession>();
  private nextId = 1;
  private readonly ctx: SessionContext;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    @Inject(HUB_CONFIG) config: HubConfig,
    @Inject(HUB_LOGGER) log: Logger,
    @Inject(CLOCK) clock: Clock,
    registry: AgentRegistry,
    health: HubHealth,
    identity: HubIdentity,
  ) {
    this.ctx = {
      registry, health, log, clock,
      hubId: () => identity.id,
      limits: config.limits,
      reporting: (s) => this.reporting(s),
      closed: (s) => this.closed(s),
    };
    this.heartbeat = setInterval(() => this.beat(), config.heartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  get open(): number {
    return this.sessions.size;
  }

  /** A connection that passed the upgrade checks (agent id header already validated). */
  accept(ws: WebSocket, req: IncomingMessage): void {
    const agentId = String(req.headers[AGENT_ID_HEADER]);
    this.sessions.add(new AgentSession(this.nextId++, agentId, req.socket.remoteAddress, ws, this.ctx));
  }

  /** Stop: every agent is told the hub is going (1001); resolves when all closed or after `waitMs`. */
  async shutdown(waitMs: number): Promise<void> {
    clearInterval(this.heartbeat);
    for (const s of this.sessions) s.shutdown();
    const end = Date.now() + waitMs;
    while (this.sessions.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    for (const s of this.sessions) s.terminate();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  private reporting(s: AgentSession): void {
    const old = this.byAgent.get(s.agentId);
    this.byAgent.set(s.agentId, s);
    if (old && old !== s) old.reject('superseded', `replaced by a connection from ${s.remote}`);
  }

  private closed(s: AgentSession): void {
    this.sessions.delete(s);
    if (this.byAgent.get(s.agentId) === s) this.byAgent.delete(s.agentId);
  }

  private beat(): void {
    for (const s of this.sessions) s.ping();
    this.ctx.registry.sweep();
  }
}
