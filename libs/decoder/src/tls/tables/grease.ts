// Shared by the tables: GREASE detection (RFC 8701) and the hex fallback for unknown codes.

/** GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa (both bytes equal, low nibble 0xa). */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

/** '0x1a1a'-style lower-case hex, zero-padded to `digits`. */
export function hex(v: number, digits: number): string {
  return `0x${v.toString(16).padStart(digits, '0')}`;
}

/** The display name of a GREASE value: 'GREASE (0x1a1a)'. */
export function greaseName(v: number): string {
  return `GREASE (${hex(v, 4)})`;
}
