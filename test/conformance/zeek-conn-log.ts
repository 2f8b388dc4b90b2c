/**
 * Reader for Zeek conn.log baselines copied into the corpus (`*.expected.*conn.log*`):
 * Zeek's TSV log format (`#fields` header), or a btest `.cut` file whose first
 * non-comment line names its columns (zeek-cut output: fewer columns, no `#` header).
 */
import { canonicalIp, type Endpoint } from './tshark-reference';

export interface ZeekConnRow {
  /** 1-based line number in the log, to name the row in reports. */
  line: number;
  /** The 4-tuple; null in a `.cut` extract that left the id columns out. */
  orig: Endpoint | null;
  resp: Endpoint | null;
  connState: string | null;
  history: string | null;
}

export interface ZeekConnLog {
  fields: string[];
  /** Whether rows name their 4-tuple (a `.cut` extract may not). */
  hasTuple: boolean;
  /** TCP rows (rows of other protocols are left out when the log says the protocol). */
  tcpRows: ZeekConnRow[];
  /** Why the log cannot be compared (no conn_state or history column, no rows...), or null. */
  unusable: string | null;
}

export function parseZeekConnLog(text: string): ZeekConnLog {
  const lines = text.split('\n');
  let fields: string[] | null = null;
  let unset = '-';
  let empty = '(empty)';
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('###')) return;
    if (line.startsWith('#')) {
      const [key, ...rest] = line.slice(1).split('\t');
      if (key === 'fields') fields = rest;
      if (key === 'unset_field') unset = rest[0] ?? '-';
      if (key === 'empty_field') empty = rest[0] ?? '(empty)';
      return;
    }
    if (fields === null) {
      fields = line.split('\t'); // .cut file: the first line is the column list
      return;
    }
    rows.push({ line: i + 1, cells: line.split('\t') });
  });
  const names: string[] = fields ?? [];
  const col = (n: string): number => names.indexOf(n);
  const [oh, op, rh, rp, proto, state, hist] = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'conn_state', 'history'].map(col);
  const hasTuple = oh >= 0 && op >= 0 && rh >= 0 && rp >= 0;
  if (state < 0 && hist < 0) return { fields: names, hasTuple, tcpRows: [], unusable: 'no conn_state or history column' };
  const value = (cells: string[], i: number): string | null => {
    if (i < 0 || cells[i] === undefined || cells[i] === unset) return null;
    return cells[i] === empty ? '' : cells[i];
  };
  const tcpRows = rows
    .filter((r) => proto < 0 || r.cells[proto] === 'tcp')
    .map((r) => ({
      line: r.line,
      orig: hasTuple ? { ip: canonicalIp(r.cells[oh]), port: Number(r.cells[op]) } : null,
      resp: hasTuple ? { ip: canonicalIp(r.cells[rh]), port: Number(r.cells[rp]) } : null,
      connState: value(r.cells, state),
      history: hist < 0 ? null : (value(r.cells, hist) ?? ''),
    }));
  return { fields: names, hasTuple, tcpRows, unusable: tcpRows.length === 0 ? 'no TCP rows' : null };
}
