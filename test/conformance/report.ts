/** The conformance run's report: a compact per-capture table and overall agreement per field. */
import type { ExceptionEntry } from './exceptions';
import type { Disagreement, Field, Tallies } from './match';

export interface CaptureResult {
  capture: string;
  streams: number;
  ours: number;
  tallies: Tallies;
  zeekLogs: string[];
  disagreements: (Disagreement & { explainedBy: ExceptionEntry | null })[];
}

/** Columns of the table: the tally behind each, and its heading. */
const COLUMNS: [Field, string][] = [
  ['connection', 'conns'],
  ['client', 'client'],
  ['irtt', 'irtt'],
  ['reset_sender', 'rst'],
  ['packets', 'pkts'],
  ['conn_state', 'z.state'],
  ['history', 'z.hist'],
];

const LABELS: Record<string, string> = {
  connection: 'connection set (tshark streams matched 1:1; extras count against)',
  client: 'client (sender of the first pure SYN)',
  irtt: 'iRTT to the microsecond (both absent = agree)',
  reset_sender: 'first RST sender (streams with a client)',
  packets: 'packets per connection',
  conn_state: 'Zeek conn_state',
  history: 'Zeek history',
  zeek_row: 'Zeek TCP rows matched to a connection',
};

const pct = (t: { agree: number; total: number }): string => (t.total === 0 ? '   -  ' : `${((100 * t.agree) / t.total).toFixed(2).padStart(6)}%`);

export function formatReport(results: CaptureResult[], totals: Tallies): string {
  const sorted = [...results].sort((a, b) => a.capture.localeCompare(b.capture));
  const width = Math.max(40, ...sorted.map((r) => r.capture.length)) + 1;
  const cell = (t: { agree: number; total: number }): string => (t.total === 0 ? '-' : t.agree === t.total ? `${t.total}` : `${t.agree}/${t.total}*`);
  const lines: string[] = [];
  lines.push('', '=== Shakewatch conformance: public corpus vs tshark 4.0.17 and Zeek baselines ===', '');
  lines.push(
    `${'capture'.padEnd(width)}${'tshark'.padStart(7)}${'ours'.padStart(6)}${COLUMNS.map(([, h]) => h.padStart(10)).join('')}  exceptions`,
  );
  for (const r of sorted) {
    const explained = r.disagreements.filter((d) => d.explainedBy !== null).length;
    const unexplained = r.disagreements.length - explained;
    const note = [explained > 0 ? `${explained} explained` : '', unexplained > 0 ? `${unexplained} UNEXPLAINED` : ''].filter(Boolean).join(', ');
    lines.push(
      `${r.capture.padEnd(width)}${String(r.streams).padStart(7)}${String(r.ours).padStart(6)}${COLUMNS.map(([f]) => cell(r.tallies[f]).padStart(10)).join('')}  ${note}`,
    );
  }
  lines.push('', '(a number = all agree; a/t* = a of t agree; - = nothing to compare)', '', 'Overall agreement, before exceptions:');
  for (const [f, label] of Object.entries(LABELS)) {
    const t = totals[f as Field];
    lines.push(`  ${pct(t)}  ${String(t.agree).padStart(5)}/${String(t.total).padEnd(5)} ${label}`);
  }
  const all = sorted.flatMap((r) => r.disagreements);
  const byCategory = new Map<string, number>();
  for (const d of all) {
    const key = d.explainedBy === null ? 'UNEXPLAINED' : d.explainedBy.category;
    byCategory.set(key, (byCategory.get(key) ?? 0) + 1);
  }
  const unexplained = all.filter((d) => d.explainedBy === null).length;
  lines.push('', `Disagreements: ${all.length}, explained by exceptions.json: ${all.length - unexplained}, unexplained: ${unexplained}`);
  for (const [k, n] of [...byCategory].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(5)}  ${k}`);
  const skipped = sorted.flatMap((r) => r.zeekLogs.filter((l) => l.includes('(skipped')).map((l) => `${r.capture}: ${l}`));
  if (skipped.length > 0) lines.push('', 'Zeek logs not comparable:', ...skipped.map((s) => `  ${s}`));
  lines.push('');
  return lines.join('\n');
}
