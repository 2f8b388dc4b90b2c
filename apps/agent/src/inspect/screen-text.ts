/**
 * Text for a person's terminal, with everything a terminal would act on escaped as tshark
 * prints it (Wireshark's format_text): an SNI, an ALPN name or a certificate name comes
 * from the wire, and raw it could recolour the screen (ESC [ ... m), retitle the window or
 * write to the clipboard (OSC, ESC ] ... BEL), ring the bell, cut the line (NUL, CR) or
 * reverse what follows (U+202E). Escaped, each stays visible as what it is:
 * - C0 controls and DEL: `\a \b \t \n \v \f \r` as C writes them, the rest `\xNN` (ESC: `\x1b`);
 * - C1 controls (U+0080-U+009F; a latin1-decoded name's bytes 0x80-0x9f): `\xNN`;
 * - format characters (bidi embeddings, overrides and isolates, zero-width ones, the BOM),
 *   line and paragraph separators, private-use, unassigned and lone surrogate code units:
 *   `\uXXXX` (`\UXXXXXXXX` beyond the BMP).
 * Unlike tshark, a backslash itself is kept as it is: certificate names already carry
 * OpenSSL's `\,`, and doubling it would change what the ladder has always printed.
 */
export function screenText(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeOne) : s;
}

const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/gu;

const C_ESCAPES: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0b: '\\v', 0x0c: '\\f', 0x0d: '\\r' };

function escapeOne(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0xa0) return C_ESCAPES[cp] ?? `\\x${hex(cp, 2)}`;
  return cp > 0xffff ? `\\U${hex(cp, 8)}` : `\\u${hex(cp, 4)}`;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
