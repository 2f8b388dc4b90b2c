/** Text forms of addresses, for events and display only (these allocate, but for recent IPv4 ones). */
export function formatIpv4(b: Uint8Array, o: number): string {
  if (o < 0 || o + 4 > b.length) return dotted(b, o);
  const key = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  const slot = (key ^ (key >>> 8) ^ (key >>> 16) ^ (key >>> 24)) & (V4_SLOTS - 1);
  let text = v4Text[slot];
  if (text === undefined || v4Key[slot] !== key) {
    text = dotted(b, o);
    v4Text[slot] = text;
    v4Key[slot] = key;
  }
  return text;
}

const dotted = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

// Recently formatted IPv4 addresses, direct-mapped: a host's events name the same few
// addresses over and over, and building the text was most of an event's address cost.
const V4_SLOTS = 256;
const v4Key = new Int32Array(V4_SLOTS);
const v4Text: (string | undefined)[] = new Array<string | undefined>(V4_SLOTS).fill(undefined);

/** RFC 5952 text form: lower case, longest run of zero groups compressed, IPv4-mapped kept readable. */
export function formatIpv6(b: Uint8Array, o: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[o + 2 * i] << 8) | b[o + 2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${formatIpv4(b, o + 12)}`;
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIp(b: Uint8Array, o: number, version: 4 | 6): string {
  return version === 4 ? formatIpv4(b, o) : formatIpv6(b, o);
}
