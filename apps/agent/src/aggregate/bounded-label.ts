import { OPEN_LABEL_VALUE, OTHER } from '@shakewatch/protocol';

/**
 * Keeps a label's values bounded: the first `cap` distinct values pass, later new ones
 * fold into `other` and each fold is counted (so a hostile peer cannot grow the series).
 * Values come from the wire (cipher names, alert descriptions): any character the
 * protocol does not allow in a label value becomes `_`, so the hub never refuses a
 * snapshot for what a client sent.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  folded = 0;

  constructor(readonly name: string, private readonly cap: number) {}

  value(raw: string): string {
    const v = labelSafe(raw);
    if (this.seen.has(v)) return v;
    if (this.seen.size < this.cap) {
      this.seen.add(v);
      return v;
    }
    this.folded++;
    return OTHER;
  }
}

/** A wire name as an allowed open label value (OPEN_LABEL_VALUE): other characters as `_`, at most 80 of them. */
export function labelSafe(v: string): string {
  if (OPEN_LABEL_VALUE.test(v)) return v;
  const s = v.slice(0, 80).replace(/[^A-Za-z0-9_.:+\-/() ]/g, '_');
  return s.length > 0 ? s : '_';
}
