/**
 * Keeps a label's values bounded: the first `cap` distinct values pass, later new ones
 * fold into `other` and the fold is counted (so a hostile peer cannot grow the series).
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  folded = 0;

  constructor(readonly name: string, private readonly cap: number, private readonly other = 'other') {}

  value(v: string): string {
    if (this.seen.has(v)) return v;
    if (this.seen.size < this.cap) {
      this.seen.add(v);
      return v;
    }
    this.folded++;
    return this.other;
  }
}
