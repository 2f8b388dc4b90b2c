/**
 * Reader for Zeek ssl.log baselines copied into the corpus (`*.expected.*ssl*.log`,
 * `ssl-out.log`, `ssl-all.log`, and the btest `.ssl.cut` extract): Zeek's TSV log format
 * (`#fields` header) or a zeek-cut extract whose first line names its columns.
 */
import { canonicalIp, type Endpoint } from './tshark-reference';

/** The ssl.log columns compared with our `tls.*` fields. */
export const ZEEK_SSL_COLUMNS = ['version', 'cipher', 'curve', 'server_name', 'resumed', 'established', 'next_protocol'] as const;
export type ZeekSslColumn = (typeof ZEEK_SSL_COLUMNS)[number];

export interface ZeekSslRow {
  /** 1-based line number in the log, to name the row in reports. */
  line: number;
  orig: Endpoint;
  resp: Endpoint;
  /** Column -> value; null for Zeek's unset `-`; columns the log lacks are absent. */
  values: Partial<Record<ZeekSslColumn | 'ja4', string | null>>;
}

export interface ZeekSslLog {
  rows: ZeekSslRow[];
  /** Why the log cannot be compared (not an ssl log, no 4-tuple...), or null. */
  unusable: string | null;
}

export function parseZeekSslLog(text: string): ZeekSslLog {
  let fields: string[] | null = null;
  let unset = '-';
  let empty = '(empty)';
  let path: string | null = null;
  const raw: { line: number; cells: string[] }[] = [];
  text.split('\n').forEach((l, i) => {
    const line = l.replace(/\r$/, '');
    if (line === '' || line.startsWith('###')) return;
    if (line.startsWith('#')) {
      const [key, ...rest] = line.slice(1).split('\t');
      if (key === 'fields') fields = rest;
      if (key === 'path') path = rest[0] ?? null;
      if (key === 'unset_field') unset = rest[0] ?? '-';
      if (key === 'empty_field') empty = rest[0] ?? '(empty)';
      return;
    }
    if (fields === null) {
      fields = line.split('\t'); // zeek-cut extract: the first line is the column list
      return;
    }
    raw.push({ line: i + 1, cells: line.split('\t') });
  });
  const names: string[] = fields ?? [];
  if (path !== null && path !== 'ssl') return { rows: [], unusable: `#path ${path}, not ssl` };
  const col = (n: string): number => names.indexOf(n);
  const [oh, op, rh, rp] = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p'].map(col);
  if (oh < 0 || op < 0 || rh < 0 || rp < 0) return { rows: [], unusable: 'no 4-tuple columns' };
  if (!names.includes('version') || !names.includes('cipher')) return { rows: [], unusable: 'no version/cipher columns (not an ssl.log)' };
  const rows = raw.map((r) => {
    const values: ZeekSslRow['values'] = {};
    for (const c of [...ZEEK_SSL_COLUMNS, 'ja4' as const]) {
      const i = col(c);
      if (i < 0) continue;
      const v = r.cells[i];
      values[c] = v === undefined || v === unset ? null : v === empty ? '' : v;
    }
    return {
      line: r.line,
      orig: { ip: canonicalIp(r.cells[oh]), port: Number(r.cells[op]) },
      resp: { ip: canonicalIp(r.cells[rh]), port: Number(r.cells[rp]) },
      values,
    };
  });
  return { rows, unusable: rows.length === 0 ? 'no rows' : null };
}
