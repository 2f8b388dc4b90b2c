/** Sequence-number arithmetic modulo 2^32 (RFC 1982 style comparisons). */
export const seqAdd = (a: number, n: number): number => (a + n) >>> 0;
export const seqDiff = (a: number, b: number): number => ((a - b) | 0); // signed a - b
export const seqGt = (a: number, b: number): boolean => seqDiff(a, b) > 0;
export const seqRelative = (seq: number, base: number): number => (seq - base) >>> 0;
