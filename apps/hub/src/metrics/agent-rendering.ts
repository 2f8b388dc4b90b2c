import { AGENT_FAMILIES, agentLabel, linesPerRow, renderRows, type MetricFamily, type Snapshot } from '@shakewatch/protocol';

/** One agent's rows, family by family (AGENT_FAMILIES order), as exposition bytes. */
export interface RenderedAgent {
  /** Empty for a family without rows. Bytes, not strings: flat, outside V8's heap, written to the socket as they are. */
  readonly chunks: readonly Buffer[];
  /** Sample lines in the chunks. */
  readonly series: number;
}

export const AGENT_FAMILY_LIST: readonly MetricFamily[] = Object.values(AGENT_FAMILIES);
const EMPTY = Buffer.alloc(0);

/**
 * Renders an agent's snapshot rows once, when the snapshot is kept. Kept as Buffers: the
 * rendered strings die young (a cache of 150,000 concatenated strings would be promoted
 * and flattened by the garbage collector again and again, which cost more than the
 * rendering itself), and a scrape writes the bytes without copying them. Rendering at
 * ingest rather than at the scrape spreads the cost over the snapshot interval (agents
 * report at different moments), so a scrape of a busy hub only lines up bytes, and the
 * parsed rows need not be kept at all.
 */
export function renderAgent(agentId: string, families: Snapshot['families']): RenderedAgent {
  const leading = agentLabel(agentId);
  let series = 0;
  const chunks = AGENT_FAMILY_LIST.map((f) => {
    const rows = families[f.name];
    if (!rows || rows.length === 0) return EMPTY;
    series += rows.length * linesPerRow(f);
    return Buffer.from(renderRows(f, leading, rows));
  });
  return { chunks, series };
}
