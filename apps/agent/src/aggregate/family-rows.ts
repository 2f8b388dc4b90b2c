import type { HistogramRow, MetricFamily, ValueRow } from '@shakewatch/protocol';

const key = (labels: readonly string[]): string => (labels.length === 1 ? labels[0] : labels.join('\u0000'));

/**
 * A counter or gauge family's series as data: label values (in the family's label order)
 * -> value. Updated per event (a connection, a handshake), never per packet; a snapshot
 * copies the rows, so what was sent is never changed afterwards.
 */
export class ValueRows {
  private readonly rows = new Map<string, ValueRow>();

  constructor(readonly family: MetricFamily) {}

  add(labels: string[], n = 1): void {
    const k = key(labels);
    const row = this.rows.get(k);
    if (row) row[1] += n;
    else this.rows.set(k, [labels, n]);
  }

  /** A value kept elsewhere (a gauge, or a cumulative count owned by the capture). */
  set(labels: string[], value: number): void {
    const k = key(labels);
    const row = this.rows.get(k);
    if (row) row[1] = value;
    else this.rows.set(k, [labels, value]);
  }

  /** A cumulative count kept elsewhere: counters only go up, so a smaller one (a capture reopened) is ignored. */
  raise(labels: string[], total: number): void {
    const row = this.rows.get(key(labels));
    if (row === undefined || total > row[1]) this.set(labels, total);
  }

  snapshot(): ValueRow[] {
    return [...this.rows.values()].map(([labels, v]) => [labels.slice(), v]);
  }
}

interface HistogramSeries {
  labels: string[];
  /** Observations per bucket (not cumulative), the last one past the largest bound. */
  counts: number[];
  /** In whole nanoseconds (every histogram is in seconds): sums stay exact, 0.000138687 not 0.00013868700000000002. */
  sumNs: number;
}

/** A histogram family's series as data; a snapshot gives the cumulative counts the exposition format wants. */
export class HistogramRows {
  private readonly rows = new Map<string, HistogramSeries>();
  private readonly bounds: readonly number[];

  constructor(readonly family: MetricFamily) {
    this.bounds = family.buckets ?? [];
  }

  observe(labels: string[], value: number): void {
    const k = key(labels);
    let s = this.rows.get(k);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sumNs: 0 };
      this.rows.set(k, s);
    }
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]) i++;
    s.counts[i]++;
    s.sumNs += Math.round(value * 1e9);
  }

  snapshot(): HistogramRow[] {
    const out: HistogramRow[] = [];
    for (const s of this.rows.values()) {
      let total = 0;
      out.push([s.labels.slice(), s.counts.map((n) => (total += n)), s.sumNs / 1e9]);
    }
    return out;
  }
}
