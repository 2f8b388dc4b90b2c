import { Inject, Injectable, Optional } from '@nestjs/common';
import { HUB_STALE_INTERVALS, type Hello, type Snapshot } from '@shakewatch/protocol';
import { CLOCK, type Clock } from '../config/tokens';
import { renderAgent, type RenderedAgent } from '../metrics/agent-rendering';

export type { RenderedAgent };


/** One agent this hub remembers. */
export interface AgentRecord {
  readonly id: string;
  version: string;
  hostname: string;
  bootId: string;
  intervalSeconds: number;
  /** Highest snapshot seq kept for bootId (0: none yet). */
  seq: number;
  /** The last kept snapshot said the agent is stopping. */
  final: boolean;
  /** The connection speaking for it now, or null once it left. */
  session: number | null;
  /** Hub clock (ms) of the last message from it. */
  lastSeenMs: number;
  /** Hub clock (ms) when its last connection closed. */
  leftAtMs: number;
  /** Hub clock (ms) before which its series stay hidden: it came from another hub (handover). */
  hiddenUntilMs: number;
  /** The last kept snapshot's rows, rendered when it was kept (null: none for this boot). */
  rendered: RenderedAgent | null;
}

export interface RegistryOptions {
  maxAgents: number;
  graceSeconds: number;
  /** How long after leaving another hub an agent stays hidden here (see handoverHoldMs). */
  handoverSeconds: number;
  agentTtlSeconds: number;
}
export const REGISTRY_OPTIONS = Symbol('REGISTRY_OPTIONS');

export type SnapshotOutcome = 'kept' | 'ignored';

/**
 * The agents this hub remembers and which of their series it may show. The rule that
 * keeps an agent from being counted by two hubs: its series are visible only while it
 * is connected here and fresh (a message within HUB_STALE_INTERVALS of its interval), or
 * for the grace period after it closed following a final snapshot. An agent that just
 * vanished is hidden at once; up, last-seen and info stay until the TTL.
 */
@Injectable()
export class AgentRegistry {
  private readonly agents = new Map<string, AgentRecord>();
  private sortedCache: AgentRecord[] | null = null;
  private connected = 0;

  constructor(
    @Inject(REGISTRY_OPTIONS) private readonly opts: RegistryOptions,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = Date.now,
  ) {}

  get size(): number {
    return this.agents.size;
  }

  get connectedCount(): number {
    return this.connected;
  }

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /**
   * How long an agent saying this hello stays hidden at hub `hubId`. The hub it left may
   * have been scraped with its series just before it left; Prometheus drops those only at
   * its next scrape of that hub (a failed scrape or one without them marks them stale),
   * so another hub that showed the agent at once could be counted with it in one sum.
   */
  handoverHoldMs(hello: Hello, hubId: string): number {
    const moved = hello.movedFrom;
    if (!moved || moved.hubId === hubId) return 0;
    return Math.max(0, this.opts.handoverSeconds - moved.secondsAgo) * 1000;
  }

  /**
   * A good hello on connection `session` of hub `hubId`: remember the agent (a new boot
   * drops the old boot's totals; one that moved here from another hub is hidden for the
   * handover) and return the seq held for this boot and the hold, or null when the hub is full.
   */
  admit(hello: Hello, session: number, hubId: string): { lastSeq: number; holdMs: number } | null {
    const now = this.clock();
    let rec = this.agents.get(hello.agentId);
    if (!rec) {
      if (this.agents.size >= this.opts.maxAgents && !this.makeRoom(now)) return null;
      rec = { id: hello.agentId, version: hello.agentVersion, hostname: hello.hostname, bootId: hello.bootId, intervalSeconds: hello.intervalSeconds, seq: 0, final: false, session: null, lastSeenMs: now, leftAtMs: now, hiddenUntilMs: 0, rendered: null };
      this.agents.set(rec.id, rec);
      this.sortedCache = null;
    }
    if (rec.bootId !== hello.bootId) {
      // A restarted agent: its counters start again from zero (a reset Prometheus understands).
      rec.bootId = hello.bootId;
      rec.seq = 0;
      rec.rendered = null;
    }
    if (rec.session === null) this.connected++;
    rec.session = session;
    rec.version = hello.agentVersion;
    rec.hostname = hello.hostname;
    rec.intervalSeconds = hello.intervalSeconds;
    rec.final = false;
    rec.lastSeenMs = now;
    const holdMs = this.handoverHoldMs(hello, hubId);
    rec.hiddenUntilMs = now + holdMs;
    return { lastSeq: rec.seq, holdMs };
  }

  /** A snapshot (already checked) from the agent's current connection: kept if newer than what is held for its boot. */
  snapshot(agentId: string, session: number, s: Snapshot): SnapshotOutcome {
    const rec = this.agents.get(agentId);
    if (!rec || rec.session !== session) return 'ignored';
    rec.lastSeenMs = this.clock();
    if (s.bootId === rec.bootId && s.seq <= rec.seq) return 'ignored';
    rec.bootId = s.bootId;
    rec.seq = s.seq;
    rec.final = s.final === true;
    rec.rendered = renderAgent(rec.id, s.families);
    return 'kept';
  }

  /** Would a snapshot with this boot and seq be ignored (checked before the costlier content checks)? */
  isStale(agentId: string, bootId: string, seq: number): boolean {
    const rec = this.agents.get(agentId);
    return rec !== undefined && rec.bootId === bootId && seq <= rec.seq;
  }

  /** Connection `session` of the agent closed (a superseded connection's close changes nothing). */
  disconnect(agentId: string, session: number): void {
    const rec = this.agents.get(agentId);
    if (!rec || rec.session !== session) return;
    rec.session = null;
    rec.leftAtMs = this.clock();
    this.connected--;
  }

  /** Connected and heard from within HUB_STALE_INTERVALS of its snapshot interval. */
  isUp(rec: AgentRecord, now = this.clock()): boolean {
    return rec.session !== null && now - rec.lastSeenMs <= HUB_STALE_INTERVALS * rec.intervalSeconds * 1000;
  }

  /** Its series may be shown: up, or cleanly stopped (final snapshot) less than the grace period ago; not while handed over. */
  isVisible(rec: AgentRecord, now = this.clock()): boolean {
    if (now < rec.hiddenUntilMs) return false;
    if (rec.session !== null) return this.isUp(rec, now);
    // A final snapshot held back by a handover gets its grace once the hold is over: shown late, not never.
    return rec.final && now - Math.max(rec.leftAtMs, rec.hiddenUntilMs) <= this.opts.graceSeconds * 1000;
  }

  /** Forget agents gone longer than the TTL. */
  sweep(now = this.clock()): number {
    let forgotten = 0;
    const ttl = this.opts.agentTtlSeconds * 1000;
    for (const rec of this.agents.values()) {
      if (rec.session === null && now - rec.leftAtMs > ttl) {
        this.agents.delete(rec.id);
        forgotten++;
      }
    }
    if (forgotten > 0) this.sortedCache = null;
    return forgotten;
  }

  /** Every remembered agent, by id (stable output for /metrics). */
  sorted(): readonly AgentRecord[] {
    if (!this.sortedCache) this.sortedCache = [...this.agents.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return this.sortedCache;
  }

  /** Room for a new agent: drop the expired, else the agent gone longest. False if every one is connected. */
  private makeRoom(now: number): boolean {
    if (this.sweep(now) > 0 && this.agents.size < this.opts.maxAgents) return true;
    let oldest: AgentRecord | undefined;
    for (const rec of this.agents.values()) if (rec.session === null && (!oldest || rec.leftAtMs < oldest.leftAtMs)) oldest = rec;
    if (!oldest) return false;
    this.agents.delete(oldest.id);
    this.sortedCache = null;
    return true;
  }
}
