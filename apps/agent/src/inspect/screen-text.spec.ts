import fc from 'fast-check';
import { screenText } from './screen-text';

// Issue 13, "What an attacker can put on the operator's screen": one table per class of
// character, each written the way tshark prints it.

describe('screenText', () => {
  it.each([
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['BEL', 'a\u0007b', 'a\\ab'],
    ['backspace, tab, newline, vertical tab, form feed, carriage return', '\b\t\n\v\f\r', '\\b\\t\\n\\v\\f\\r'],
    ['other C0 controls', '\u0001\u001a\u001f', '\\x01\\x1a\\x1f'],
    ['ESC and an ANSI colour sequence', '\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['OSC that retitles the terminal (BEL-terminated)', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\a'],
    ['OSC 52 clipboard write (ST-terminated)', '\u001b]52;c;ZWNobw==\u001b\\', '\\x1b]52;c;ZWNobw==\\x1b\\'],
    ['DEL', 'a\u007fb', 'a\\x7fb'],
    ['C1 controls (CSI, NEL, a latin1 byte 0x9b)', '\u0080\u0085\u009b\u009f', '\\x80\\x85\\x9b\\x9f'],
  ])('C0/C1 controls and DEL as \\xNN (C escapes for the usual ones): %s', (_class, input, expected) => {
    expect(screenText(input)).toBe(expected);
  });

  it.each([
    ['right-to-left override', 'evil\u202egpj.exe', 'evil\\u202egpj.exe'],
    ['every bidi embedding, override and pop', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['left-to-right and right-to-left marks', '\u200e\u200f', '\\u200e\\u200f'],
    ['zero-width space, joiners, BOM', '\u200b\u200c\u200d\ufeff', '\\u200b\\u200c\\u200d\\ufeff'],
    ['soft hyphen', 'a\u00adb', 'a\\u00adb'],
    ['line and paragraph separators', '\u2028\u2029', '\\u2028\\u2029'],
    ['private use', '\ue000', '\\ue000'],
    ['lone surrogates', '\ud800x\udfff', '\\ud800x\\udfff'],
    ['a format character beyond the BMP (tag character)', '\u{e0041}', '\\U000e0041'],
  ])('format, separator, private-use and surrogate code points as \\uXXXX: %s', (_class, input, expected) => {
    expect(screenText(input)).toBe(expected);
  });

  it.each([
    ['ASCII names', 'shakewatch.test', 'shakewatch.test'],
    ['ALPN', 'h2', 'h2'],
    ['an OpenSSL distinguished name (its own \\, kept)', 'CN=github.com, O=GitHub\\, Inc.', 'CN=github.com, O=GitHub\\, Inc.'],
    ['printable non-ASCII', 'bücher.例え.テスト ’ ✓ 😀', 'bücher.例え.テスト ’ ✓ 😀'],
    ['latin1 bytes 0xa0-0xff', '\u00a0\u00e9\u00ff', '\u00a0\u00e9\u00ff'],
  ])('printable text unchanged: %s', (_class, input, expected) => {
    expect(screenText(input)).toBe(expected);
  });

  it('property: nothing a terminal acts on is left, and printable text is untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const out = screenText(s);
        // eslint-disable-next-line no-control-regex -- the check is for raw controls
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}]/u);
        if (!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]/u.test(s)) expect(out).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});
