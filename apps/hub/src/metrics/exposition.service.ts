import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AGENT_FAMILIES, agentLabel, familyHeader, HUB_AGENT_FAMILIES, linesPerRow, renderRows, type MetricFamily } from '@shakewatch/protocol';
import { CLOCK, type Clock } from '../config/tokens';
import { AgentRegistry, type AgentRecord, type RenderedAgent } from '../registry/agent-registry';
import { HubHealth } from './hub-health';

const FAMILIES: readonly MetricFamily[] = Object.values(AGENT_FAMILIES);
const HEADERS = FAMILIES.map(familyHeader);
const H = HUB_AGENT_FAMILIES;
const HUB_AGENT_HEADERS = { up: familyHeader(H.agentUp), lastSeen: familyHeader(H.agentLastSeen), info: familyHeader(H.agentInfo) };

/** One agent's rows, family by family (AGENT_FAMILIES order), as exposition text. */
export function renderAgent(rec: AgentRecord): RenderedAgent {
  const leading = agentLabel(rec.id);
  let series = 0;
  const chunks = FAMILIES.map((f) => {
    const rows = rec.families?.[f.name];
    if (!rows || rows.length === 0) return '';
    series += rows.length * linesPerRow(f);
    return renderRows(f, leading, rows);
  });
  return { chunks, series };
}

/**
 * /metrics. prom-client costs about 5 us a series; 1,000 agents of ~150 series would take
 * most of a second. So each agent's rows are rendered by hand once per new snapshot
 * (lazily, at the next scrape) and a scrape only concatenates the cached text: per
 * family, the header once, then every visible agent's chunk by agent id. Then up,
 * last-seen and info for every remembered agent, then the hub's own prom-client registry.
 */
@Injectable()
export class ExpositionService {
  constructor(
    private readonly agents: AgentRegistry,
    private readonly health: HubHealth,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = Date.now,
  ) {}

  /** The per-agent part of /metrics (agent families, then up/last-seen/info), and how many series it holds. */
  renderAgents(): { text: string; series: number } {
    const now = this.clock();
    this.agents.sweep(now);
    const all = this.agents.sorted();
    const visible: RenderedAgent[] = [];
    let series = 0;
    for (const rec of all) {
      if (!this.agents.isVisible(rec, now)) continue;
      if (!rec.rendered) rec.rendered = renderAgent(rec);
      visible.push(rec.rendered);
      series += rec.rendered.series;
    }
    const parts: string[] = [];
    for (let i = 0; i < FAMILIES.length; i++) {
      parts.push(HEADERS[i]);
      for (const r of visible) if (r.chunks[i] !== '') parts.push(r.chunks[i]);
    }
    let up = HUB_AGENT_HEADERS.up;
    let lastSeen = HUB_AGENT_HEADERS.lastSeen;
    let info = HUB_AGENT_HEADERS.info;
    for (const rec of all) {
      const leading = agentLabel(rec.id);
      up += renderRows(H.agentUp, leading, [[[], this.agents.isUp(rec, now) ? 1 : 0]]);
      lastSeen += renderRows(H.agentLastSeen, leading, [[[], rec.lastSeenMs / 1000]]);
      info += renderRows(H.agentInfo, leading, [[[rec.version, rec.hostname], 1]]);
    }
    parts.push(up, lastSeen, info);
    return { text: parts.join(''), series: series + 3 * all.length };
  }

  /** The whole /metrics body; records this scrape's cost for the next one. */
  async render(): Promise<string> {
    const started = performance.now();
    const { text, series } = this.renderAgents();
    const body = text + (await this.health.metrics());
    this.health.scraped((performance.now() - started) / 1000, Buffer.byteLength(body), series);
    return body;
  }
}
