import type { MetricFamily } from './metric-families';
import type { HistogramRow, ValueRow } from './messages';

/**
 * Prometheus text exposition (format 0.0.4) for snapshot rows: what the agent prints
 * with --print-metrics and what the hub serves. Written by hand because prom-client
 * keeps its own state per series and costs about 5 us a series to render: a hub with
 * 1,000 agents renders each agent's rows once per new snapshot and reuses the text.
 */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label value escaping: backslash, double quote and line feed (the exposition format's rules). */
export function escapeLabelValue(v: string): string {
  return /[\\"\n]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatSampleValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

export function familyHeader(f: MetricFamily): string {
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
}

/** `agent="x"`: the label every per-agent series starts with. */
export function agentLabel(agentId: string): string {
  return `agent="${escapeLabelValue(agentId)}"`;
}

function labelPairs(f: MetricFamily, values: readonly string[]): string {
  let s = '';
  for (let i = 0; i < f.labels.length; i++) s += `,${f.labels[i]}="${escapeLabelValue(values[i])}"`;
  return s;
}

/** The sample lines of one family's rows, every series led by `leading` (e.g. agentLabel(id)). */
export function renderRows(f: MetricFamily, leading: string, rows: readonly (ValueRow | HistogramRow)[]): string {
  let out = '';
  if (f.type !== 'histogram') {
    for (const row of rows) out += `${f.name}{${leading}${labelPairs(f, row[0])}} ${formatSampleValue(row[1] as number)}\n`;
    return out;
  }
  const buckets = f.buckets ?? [];
  for (const row of rows) {
    const [values, counts, sum] = row as HistogramRow;
    const labels = leading + labelPairs(f, values);
    for (let i = 0; i < buckets.length; i++) out += `${f.name}_bucket{${labels},le="${buckets[i]}"} ${formatSampleValue(counts[i])}\n`;
    const total = counts[buckets.length];
    out += `${f.name}_bucket{${labels},le="+Inf"} ${formatSampleValue(total)}\n`;
    out += `${f.name}_sum{${labels}} ${formatSampleValue(sum)}\n`;
    out += `${f.name}_count{${labels}} ${formatSampleValue(total)}\n`;
  }
  return out;
}

/** Whole families (header and rows) for one agent: the agent's --print-metrics output. */
export function renderFamilies(families: readonly MetricFamily[], agentId: string, rowsOf: (f: MetricFamily) => readonly (ValueRow | HistogramRow)[] | undefined): string {
  const leading = agentLabel(agentId);
  let out = '';
  for (const f of families) out += familyHeader(f) + renderRows(f, leading, rowsOf(f) ?? []);
  return out;
}
