import type { Direction } from '@shakewatch/protocol';

/**
 * `direction` of a connection from this host's own addresses: `inbound` when this host is
 * its server, `outbound` when it is its client, `unknown` when it is neither (traffic seen
 * passing by, or a replayed file whose host is not known). When both ends are local
 * (loopback, or two local addresses), the host serves it: `inbound`.
 */
export class DirectionClassifier {
  private v4 = new Set<number>();
  private v6 = new Set<string>();

  constructor(addresses: Iterable<string> = []) {
    this.setAddresses(addresses);
  }

  /** Replace the set of local addresses (text form, IPv4 or IPv6; a `%zone` is ignored). Unparsable ones are skipped. */
  setAddresses(addresses: Iterable<string>): void {
    const v4 = new Set<number>();
    const v6 = new Set<string>();
    for (const a of addresses) {
      const bytes = parseIp(a);
      if (bytes?.length === 4) v4.add(ipv4Key(bytes));
      else if (bytes?.length === 16) v6.add(ipv6Key(bytes));
    }
    this.v4 = v4;
    this.v6 = v6;
  }

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  isLocal(address: Uint8Array): boolean {
    if (address.length === 4) return this.v4.has(ipv4Key(address));
    if (address.length === 16) return this.v6.size > 0 && this.v6.has(ipv6Key(address));
    return false;
  }

  classify(client: Uint8Array, server: Uint8Array): Direction {
    if (this.isLocal(server)) return 'inbound';
    if (this.isLocal(client)) return 'outbound';
    return 'unknown';
  }
}

const ipv4Key = (b: Uint8Array): number => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
const ipv6Key = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, 16).toString('hex');

/** An IPv4 or IPv6 address in text form as its bytes, or null. */
export function parseIp(text: string): Uint8Array | null {
  const s = text.trim().replace(/%.*$/, '');
  if (s.includes(':')) return parseIpv6(s);
  return parseIpv4(s);
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i]) || Number(parts[i]) > 255) return null;
    out[i] = Number(parts[i]);
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}
