/**
 * Expected JA4 outputs copied into the corpus: FoxIO's `<capture>.expected.ja4-python.json`
 * (python/ja4.py -J: one object per stream, `JA4.1`/`JA4_r.1` for its first ClientHello)
 * and `<capture>.expected.ja4-rust.snap.yaml` (the rust crate's insta snapshot: a YAML
 * list, `ja4` per stream); and other implementations' test expectations: Arkime's session
 * JSON (`tls.ja4`, `tls.ja4_r`, with the 4-tuple) and suricata-verify's `tls.ja4` checks
 * (no tuple: any connection of the capture may match). QUIC entries (`q...`) are out of scope.
 */
import { canonicalIp, type Endpoint } from './tshark-reference';

export interface Ja4Reference {
  source: string;
  /** The stream number the tool printed (tshark's tcp.stream), when it prints one. */
  stream: number | null;
  /** The connection's endpoints; null when the reference does not say (suricata-verify checks). */
  src: Endpoint | null;
  dst: Endpoint | null;
  ja4: string;
  /** The raw (sorted, unhashed) form; python and Arkime. */
  ja4_r?: string;
}

/** Arkime's expected sessions (`tests/pcap/<name>.test`): `sessions3[].body` with `tls.ja4`. */
export function parseArkimeJa4(text: string): Ja4Reference[] {
  type Body = { source?: { ip: string; port: number }; destination?: { ip: string; port: number }; tls?: { ja4?: string[]; ja4_r?: string[] } };
  const doc = JSON.parse(text) as { sessions3?: { body: Body }[] };
  const out: Ja4Reference[] = [];
  for (const { body } of doc.sessions3 ?? []) {
    const ja4 = body.tls?.ja4?.[0];
    if (!isTcpJa4(ja4) || !body.source || !body.destination) continue;
    out.push({
      source: 'arkime',
      stream: null,
      src: { ip: canonicalIp(body.source.ip), port: body.source.port },
      dst: { ip: canonicalIp(body.destination.ip), port: body.destination.port },
      ja4,
      ja4_r: body.tls?.ja4_r?.[0],
    });
  }
  return out;
}

/** suricata-verify `test.yaml` checks: each distinct `tls.ja4: "..."` value (EVE tls events). */
export function parseSuricataJa4(text: string, test: string): Ja4Reference[] {
  const values = new Set([...text.matchAll(/^\s*tls\.ja4:\s*"?([^"\s]+)"?\s*$/gm)].map((m) => m[1]));
  return [...values].filter(isTcpJa4).map((ja4) => ({ source: `suricata ${test}`, stream: null, src: null, dst: null, ja4 }));
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
