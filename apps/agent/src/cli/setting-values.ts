/**
 * One reading of a setting's text, whether it came from a flag, a SHAKEWATCH_AGENT_*
 * variable or the YAML file (read as plain strings, so YAML's own `0x10`, `1e3` or `yes`
 * mean nothing special): numbers are decimal (`1500`, `2.5`, `-1`; no hex, exponent or
 * separators), booleans one of true/false/1/0/yes/no/on/off, lists comma-separated.
 */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export type SettingKind = 'string' | 'number' | 'boolean' | 'list' | 'numberList';

/** A decimal number, or null. */
export function parseDecimal(text: string): number | null {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : null;
}

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'a list' : v !== null && typeof v === 'object' ? 'a mapping' : `a ${typeof v}`);

/** The value of `raw` as `kind`, or a problem (`where: ...`) added to `problems` and undefined. */
export function settingValue(raw: unknown, kind: SettingKind, where: string, problems: string[]): unknown {
  const bad = (rule: string): undefined => {
    problems.push(`${where}: ${shown(raw)} is not ${rule}`);
    return undefined;
  };
  switch (kind) {
    case 'string':
      return typeof raw === 'string' ? raw : bad('text');
    case 'number': {
      const n = typeof raw === 'string' ? parseDecimal(raw) : null;
      return n === null ? bad('a decimal number') : n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const t = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
      return TRUE.has(t) ? true : FALSE.has(t) ? false : bad('true/false/1/0/yes/no/on/off');
    }
    case 'list':
    case 'numberList': {
      const items = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : null;
      if (items === null) return bad('a list');
      const out: unknown[] = [];
      for (const item of items) {
        if (typeof item !== 'string') return bad('a list of values');
        for (const s of item.split(',').map((x) => x.trim()).filter(Boolean)) {
          if (kind === 'list') out.push(s);
          else {
            const n = parseDecimal(s);
            if (n === null) {
              problems.push(`${where}: ${JSON.stringify(s)} is not a decimal number`);
              return undefined;
            }
            out.push(n);
          }
        }
      }
      return out;
    }
  }
}
