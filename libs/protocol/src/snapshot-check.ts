import { AGENT_FAMILIES, LABEL_DOMAINS, type MetricFamily } from './metric-families';
import { linesPerRow } from './series-budget';
import type { HistogramRow, Snapshot, ValueRow } from './messages';

export const FAMILIES_BY_NAME: ReadonlyMap<string, MetricFamily> = new Map(Object.values(AGENT_FAMILIES).map((f) => [f.name, f]));

export type SnapshotProblem = { reason: 'bad_schema' | 'bad_label' | 'too_many_series'; detail: string };

/**
 * Checks a schema-valid snapshot against the contract: known families, the right number
 * of labels, every label value in its domain (and no more distinct values than its cap),
 * histograms with one count per bucket, counts that never go down across buckets, and at
 * most `maxSeries` series in all. Returns the first problem, or null.
 */
export function checkSnapshot(s: Snapshot, maxSeries: number): SnapshotProblem | null {
  let series = 0;
  for (const [name, rows] of Object.entries(s.families)) {
    const f = FAMILIES_BY_NAME.get(name);
    if (!f) return { reason: 'bad_schema', detail: `unknown metric family ${JSON.stringify(name.slice(0, 64))}` };
    series += rows.length * linesPerRow(f);
    if (series > maxSeries) return { reason: 'too_many_series', detail: `more than ${maxSeries} series` };
    const distinct = f.labels.map(() => new Set<string>());
    const seen = new Set<string>();
    for (const row of rows) {
      const problem = f.type === 'histogram' ? checkHistogram(f, row) : row.length === 2 ? null : `${f.name}: a ${f.type} row is [labels, value]`;
      if (problem) return { reason: 'bad_schema', detail: problem };
      const labels = row[0];
      if (labels.length !== f.labels.length) return { reason: 'bad_schema', detail: `${f.name}: ${labels.length} label values for ${f.labels.length} labels` };
      for (let i = 0; i < labels.length; i++) {
        const name = f.labels[i];
        const d = LABEL_DOMAINS[name];
        const v = labels[i];
        const ok = 'values' in d ? d.values.includes(v) : d.pattern.test(v);
        if (!ok) return { reason: 'bad_label', detail: `${f.name}: ${name}=${JSON.stringify(v.slice(0, 80))} is not allowed` };
        distinct[i].add(v);
        if ('max' in d && distinct[i].size > d.max) return { reason: 'too_many_series', detail: `${f.name}: more than ${d.max} values of ${name}` };
      }
      const key = labels.join('\u0000');
      if (seen.has(key)) return { reason: 'bad_schema', detail: `${f.name}: the same labels twice` };
      seen.add(key);
    }
  }
  return null;
}

function checkHistogram(f: MetricFamily, row: HistogramRow | ValueRow): string | null {
  if (row.length !== 3) return `${f.name}: a histogram row is [labels, cumulative bucket counts, sum]`;
  const counts = row[1];
  const want = (f.buckets?.length ?? 0) + 1;
  if (counts.length !== want) return `${f.name}: ${counts.length} bucket counts for ${want} buckets (with +Inf)`;
  for (let i = 1; i < counts.length; i++) if (counts[i] < counts[i - 1]) return `${f.name}: bucket counts go down (they are cumulative)`;
  return null;
}
