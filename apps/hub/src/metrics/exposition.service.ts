import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { agentLabel, familyHeader, HUB_AGENT_FAMILIES, renderRows } from '@shakewatch/protocol';
import { CLOCK, type Clock } from '../config/tokens';
import { AgentRegistry, type RenderedAgent } from '../registry/agent-registry';
import { AGENT_FAMILY_LIST } from './agent-rendering';
import { HubHealth } from './hub-health';

const HEADERS = AGENT_FAMILY_LIST.map((f) => Buffer.from(familyHeader(f)));
const H = HUB_AGENT_FAMILIES;

/** A /metrics body in pieces, as it goes to the socket. */
export interface Exposition {
  readonly chunks: Buffer[];
  readonly bytes: number;
  /** Series carrying an `agent` label. */
  readonly series: number;
}

/** The whole body as one string (tests, small outputs). */
export function expositionText(e: Exposition): string {
  return Buffer.concat(e.chunks, e.bytes).toString('utf8');
}

/**
 * /metrics. prom-client costs about 5 us a series; 1,000 agents of ~150 series would take
 * most of a second. So each agent's rows are rendered by hand once per kept snapshot
 * (renderAgent, at ingest) and a scrape only lines up the cached bytes: per family,
 * the header once, then every visible agent's chunk by agent id. Then up, last-seen and
 * info for every remembered agent, then the hub's own prom-client registry.
 */
@Injectable()
export class ExpositionService {
  constructor(
    private readonly agents: AgentRegistry,
    private readonly health: HubHealth,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = Date.now,
  ) {}

  /** The per-agent part of /metrics: agent families, then up, last-seen and info. */
  renderAgents(): Exposition {
    const now = this.clock();
    this.agents.sweep(now);
    const all = this.agents.sorted();
    const visible: RenderedAgent[] = [];
    let series = 0;
    for (const rec of all) {
      if (!this.agents.isVisible(rec, now) || !rec.rendered) continue;
      visible.push(rec.rendered);
      series += rec.rendered.series;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    const push = (b: Buffer) => {
      chunks.push(b);
      bytes += b.length;
    };
    for (let i = 0; i < AGENT_FAMILY_LIST.length; i++) {
      push(HEADERS[i]);
      for (const r of visible) if (r.chunks[i].length > 0) push(r.chunks[i]);
    }
    const up: string[] = [familyHeader(H.agentUp)];
    const lastSeen: string[] = [familyHeader(H.agentLastSeen)];
    const info: string[] = [familyHeader(H.agentInfo)];
    for (const rec of all) {
      const leading = agentLabel(rec.id);
      up.push(renderRows(H.agentUp, leading, [[[], this.agents.isUp(rec, now) ? 1 : 0]]));
      lastSeen.push(renderRows(H.agentLastSeen, leading, [[[], rec.lastSeenMs / 1000]]));
      info.push(renderRows(H.agentInfo, leading, [[[rec.version, rec.hostname], 1]]));
    }
    push(Buffer.from(up.join('') + lastSeen.join('') + info.join('')));
    return { chunks, bytes, series: series + 3 * all.length };
  }

  /** The whole /metrics body; records this scrape's cost (shown by the next scrape). */
  async render(): Promise<Exposition> {
    const started = performance.now();
    const agents = this.renderAgents();
    const own = Buffer.from(await this.health.metrics());
    const out: Exposition = { chunks: [...agents.chunks, own], bytes: agents.bytes + own.length, series: agents.series };
    this.health.scraped((performance.now() - started) / 1000, out.bytes, out.series);
    return out;
  }
}
