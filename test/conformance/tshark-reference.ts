/**
 * Readers for the corpus' tshark reference files (see the corpus MANIFEST.md):
 * `<capture>.tshark.streams.tsv` (one row per tcp.stream) and `<capture>.tshark.tsv`
 * (one row per SYN/FIN/RST segment and per TLS record), both made with tshark 4.0.17.
 */

export interface Endpoint {
  ip: string;
  port: number;
}

export interface TsharkStream {
  stream: number;
  /** Sender of the first pure SYN; null when tshark saw no SYN. */
  client: Endpoint | null;
  server: Endpoint | null;
  /** Both endpoints even without a SYN, from the per-segment TSV when it has a row for the stream. */
  endpoints: [Endpoint, Endpoint] | null;
  /** Time of the stream's first packet, in whole microseconds since the epoch (as text). */
  firstMicros: string;
  /** tcp.analysis.initial_rtt in nanoseconds, null when tshark has none. */
  initialRttNs: number | null;
  syn: number;
  synack: number;
  finClient: number;
  finServer: number;
  rstClient: number;
  rstServer: number;
  firstRstSender: 'client' | 'server' | null;
  packets: number;
}

/** Splits a TSV file into rows of named columns (the first line is the header). */
export function parseTsv(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const header = lines[0].split('\t');
  return lines.slice(1).map((line) => {
    const cells = line.split('\t');
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = cells[i] ?? ''));
    return row;
  });
}

/** "1523241953.739049000" -> "1523241953.739049" (truncated, never rounded). */
export function epochToMicros(epoch: string): string {
  const [sec, frac = ''] = epoch.split('.');
  return `${sec}.${frac.padEnd(9, '0').slice(0, 6)}`;
}

/** Decimal seconds with up to 9 fraction digits -> integer nanoseconds, exactly. */
export function secondsToNs(text: string): number {
  const [sec, frac = ''] = text.split('.');
  return Number(sec) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
}

/** One canonical text form per address, so tshark's and ours compare as strings. */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

export function endpointText(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** Unordered endpoint pair: the same text whichever side is given first. */
export function pairKey(a: Endpoint, b: Endpoint): string {
  const x = endpointText(a);
  const y = endpointText(b);
  return x < y ? `${x} ${y}` : `${y} ${x}`;
}

function endpoint(ip: string, port: string): Endpoint | null {
  if (ip === '' || port === '') return null;
  return { ip: canonicalIp(ip), port: Number(port) };
}

/**
 * Parses `*.tshark.streams.tsv`; `segmentsTsv` (the `*.tshark.tsv`, optional) gives
 * the endpoints of streams that have no SYN (tshark.streams.tsv leaves them empty).
 */
export function parseTsharkStreams(streamsTsv: string, segmentsTsv: string | null): TsharkStream[] {
  const endpointsByStream = new Map<number, [Endpoint, Endpoint]>();
  if (segmentsTsv !== null) {
    for (const r of parseTsv(segmentsTsv)) {
      if (r['transport'] !== 'tcp' || r['tcp.stream'] === '') continue;
      const id = Number(r['tcp.stream']);
      if (endpointsByStream.has(id)) continue;
      const src = endpoint(r['ip.src'], r['tcp.srcport']);
      const dst = endpoint(r['ip.dst'], r['tcp.dstport']);
      if (src && dst) endpointsByStream.set(id, [src, dst]);
    }
  }
  return parseTsv(streamsTsv).map((r) => {
    const stream = Number(r['tcp.stream']);
    const client = endpoint(r['client'], r['client_port']);
    const server = endpoint(r['server'], r['server_port']);
    const rst = r['first_rst_sender'];
    return {
      stream,
      client,
      server,
      endpoints: client && server ? [client, server] : (endpointsByStream.get(stream) ?? null),
      firstMicros: epochToMicros(r['first_epoch']),
      initialRttNs: r['initial_rtt'] === '' ? null : secondsToNs(r['initial_rtt']),
      syn: Number(r['syn']),
      synack: Number(r['synack']),
      finClient: Number(r['fin_client']),
      finServer: Number(r['fin_server']),
      rstClient: Number(r['rst_client']),
      rstServer: Number(r['rst_server']),
      firstRstSender: rst === 'client' || rst === 'server' ? rst : null,
      packets: Number(r['packets']),
    };
  });
}
