/**
 * FoxIO's expected JA4 outputs copied into the corpus: `<capture>.expected.ja4-python.json`
 * (python/ja4.py -J: one object per stream, `JA4.1`/`JA4_r.1` for its first ClientHello)
 * and `<capture>.expected.ja4-rust.snap.yaml` (the rust crate's insta snapshot: a YAML
 * list, `ja4` per stream). QUIC entries (`q...`, transport udp) are out of scope.
 */
import { canonicalIp, type Endpoint } from './tshark-reference';

export interface Ja4Reference {
  source: 'ja4-python' | 'ja4-rust';
  /** The stream number the tool printed (tshark's tcp.stream). */
  stream: number;
  src: Endpoint;
  dst: Endpoint;
  ja4: string;
  /** The raw (sorted, unhashed) form; python only. */
  ja4_r?: string;
}

const isTcpJa4 = (ja4: unknown): ja4 is string => typeof ja4 === 'string' && ja4.startsWith('t');

export function parseJa4Python(text: string): Ja4Reference[] {
  const entries = JSON.parse(text) as Record<string, unknown>[];
  const out: Ja4Reference[] = [];
  for (const e of entries) {
    if (!isTcpJa4(e['JA4.1'])) continue;
    out.push({
      source: 'ja4-python',
      stream: Number(e['stream']),
      src: { ip: canonicalIp(String(e['src'])), port: Number(e['srcport']) },
      dst: { ip: canonicalIp(String(e['dst'])), port: Number(e['dstport']) },
      ja4: e['JA4.1'],
      ja4_r: typeof e['JA4_r.1'] === 'string' ? e['JA4_r.1'] : undefined,
    });
  }
  return out;
}

/**
 * The insta snapshot is YAML, but only its top-level list of flat `key: value` maps
 * matters here (nested certificate and HTTP maps are indented further and skipped).
 */
export function parseJa4Rust(text: string): Ja4Reference[] {
  const items: Record<string, string>[] = [];
  for (const line of text.split('\n')) {
    // The header (`source:`, `expression:`) is not indented and not a list item: skipped.
    const item = /^- ([\w.]+): ?(.*)$/.exec(line);
    const field = /^ {2}([\w.]+): ?(.*)$/.exec(line);
    if (item) items.push({ [item[1]]: unquote(item[2]) });
    else if (field && items.length > 0) items[items.length - 1][field[1]] = unquote(field[2]);
  }
  const out: Ja4Reference[] = [];
  for (const e of items) {
    if (e['transport'] !== 'tcp' || !isTcpJa4(e['ja4'])) continue;
    out.push({
      source: 'ja4-rust',
      stream: Number(e['stream']),
      src: { ip: canonicalIp(e['src']), port: Number(e['src_port']) },
      dst: { ip: canonicalIp(e['dst']), port: Number(e['dst_port']) },
      ja4: e['ja4'],
    });
  }
  return out;
}

function unquote(v: string): string {
  const t = v.trim();
  return (t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")) ? t.slice(1, -1) : t;
}
