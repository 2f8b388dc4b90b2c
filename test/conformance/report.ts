/** The conformance run's report: a compact per-capture table and overall agreement per field. */
import type { ExceptionEntry } from './exceptions';
import type { Disagreement, Field, Tallies } from './match';

export interface CaptureResult {
  capture: string;
  streams: number;
  ours: number;
  /** tshark streams with a cleartext ClientHello or ServerHello. */
  tlsStreams: number;
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

/** Columns of the TLS table (captures with a TLS handshake or a TLS reference only). */
const TLS_COLUMNS: [Field, string][] = [
  ['tls_conn', 'tls'],
  ['tls_version', 'version'],
  ['tls_cipher', 'cipher'],
  ['tls_sni', 'sni'],
  ['tls_alpn', 'alpn'],
  ['tls_group', 'group'],
  ['ja3_full', 'ja3'],
  ['ja3s_full', 'ja3s'],
  ['ja4', 'ja4'],
  ['zeek_ssl_row', 'z.ssl'],
];

const ZEEK_SSL: Field[] = ['zeek_ssl_version', 'zeek_ssl_cipher', 'zeek_ssl_curve', 'zeek_ssl_server_name', 'zeek_ssl_resumed', 'zeek_ssl_established', 'zeek_ssl_next_protocol'];

const LABELS: Record<string, string> = {
  connection: 'connection set (tshark streams matched 1:1; extras count against)',
  client: 'client (sender of the first pure SYN)',
  irtt: 'iRTT to the microsecond (both absent = agree)',
  reset_sender: 'first RST sender (streams with a client)',
  packets: 'packets per connection',
  conn_state: 'Zeek conn_state',
  history: 'Zeek history',
  zeek_row: 'Zeek TCP rows matched to a connection',
  tls_conn: 'TLS: tshark streams with a hello that are ours with a tls object (tls objects without a tshark hello count against)',
  tls_alert: 'TLS: first plaintext fatal (else first) alert and sender, handshakes not established',
  tls_version: 'TLS: negotiated version (tshark ServerHello)',
  tls_cipher: 'TLS: cipher suite',
  tls_sni: 'TLS: SNI of the first ClientHello',
  tls_alpn: 'TLS: negotiated ALPN (ServerHello)',
  tls_group: 'TLS: group (1.3 key_share; <=1.2 ServerKeyExchange curve)',
  ja3: 'TLS: JA3 hash (first ClientHello)',
  ja3_full: 'TLS: JA3 string',
  ja3s: 'TLS: JA3S hash (first ServerHello, HRR included)',
  ja3s_full: 'TLS: JA3S string',
  ja4: 'TLS: JA4 of the first ClientHello (FoxIO ja4.py and rust ja4, Arkime, suricata-verify)',
  ja4_r: 'TLS: JA4_r (ja4.py, Arkime)',
  zeek_ssl_row: 'Zeek ssl.log TCP rows matched to a connection',
  zeek_ssl_version: 'Zeek ssl.log version',
  zeek_ssl_cipher: 'Zeek ssl.log cipher',
  zeek_ssl_curve: 'Zeek ssl.log curve',
  zeek_ssl_server_name: 'Zeek ssl.log server_name',
  zeek_ssl_resumed: 'Zeek ssl.log resumed',
  zeek_ssl_established: 'Zeek ssl.log established',
  zeek_ssl_next_protocol: 'Zeek ssl.log next_protocol',
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
  lines.push('', '(a number = all agree; a/t* = a of t agree; - = nothing to compare)');
  lines.push('', '--- TLS over TCP: tshark hellos, JA4 outputs, Zeek ssl.log (z.ssl: rows; z.cols: compared columns) ---', '');
  lines.push(`${'capture'.padEnd(width)}${'hellos'.padStart(7)}${TLS_COLUMNS.map(([, h]) => h.padStart(9)).join('')}${'z.cols'.padStart(9)}`);
  for (const r of sorted) {
    const zeekCols = ZEEK_SSL.reduce((t, f) => ({ agree: t.agree + r.tallies[f].agree, total: t.total + r.tallies[f].total }), { agree: 0, total: 0 });
    if (r.tlsStreams === 0 && r.tallies.ja4.total === 0 && r.tallies.zeek_ssl_row.total === 0 && r.tallies.tls_conn.total === 0) continue;
    lines.push(`${r.capture.padEnd(width)}${String(r.tlsStreams).padStart(7)}${TLS_COLUMNS.map(([f]) => cell(r.tallies[f]).padStart(9)).join('')}${cell(zeekCols).padStart(9)}`);
  }
  lines.push('', 'Overall agreement, before exceptions:');
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
  const listed = all.filter((d) => d.explainedBy === null);
  if (listed.length > 0) lines.push('', 'Unexplained:', ...listed.map((d) => `  ${d.capture} ${d.field} ${d.id}: ${d.detail}`));
  const skipped = sorted.flatMap((r) => r.zeekLogs.filter((l) => l.includes('(skipped')).map((l) => `${r.capture}: ${l}`));
  if (skipped.length > 0) lines.push('', 'Zeek logs not comparable:', ...skipped.map((s) => `  ${s}`));
  lines.push('');
  return lines.join('\n');
}
