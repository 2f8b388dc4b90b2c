/**
 * The checked-in list of known, explained disagreements (exceptions.json). Every
 * disagreement must be listed or the suite fails; every listing must still match a
 * disagreement or the suite fails too (stale exceptions), so the list stays honest.
 */
import { FIELDS, type Disagreement, type Field } from './match';

export interface ExceptionEntry {
  /** Capture path relative to the corpus root. */
  capture: string;
  field: Field;
  /** Disagreement ids (`stream 3`, ...); absent = every disagreement of this field in the capture. */
  ids?: string[];
  /** Short name used to count exceptions by kind in the report. */
  category: string;
  /** Concretely why we differ, and why that is right (or which issue tracks it). */
  reason: string;
}

export interface ExceptionsFile {
  /** Category name -> what it means, shared by many entries. */
  categories: Record<string, string>;
  exceptions: ExceptionEntry[];
}

/** Structural problems in the file itself (unknown field, category without a description...). */
export function validateExceptions(file: ExceptionsFile): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  file.exceptions.forEach((e, i) => {
    const where = `exceptions[${i}] (${e.capture} ${e.field})`;
    if (!FIELDS.includes(e.field)) problems.push(`${where}: unknown field "${e.field}"`);
    if (!(e.category in file.categories)) problems.push(`${where}: category "${e.category}" is not described in "categories"`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 20) problems.push(`${where}: needs a concrete "reason"`);
    for (const id of e.ids ?? ['*']) {
      const key = `${e.capture}\t${e.field}\t${id}`;
      if (seen.has(key)) problems.push(`${where}: "${id}" is listed twice`);
      seen.add(key);
    }
  });
  for (const c of Object.keys(file.categories)) {
    if (!file.exceptions.some((e) => e.category === c)) problems.push(`category "${c}" has no entries`);
  }
  return problems;
}

export interface Explained {
  disagreement: Disagreement;
  entry: ExceptionEntry;
}

/** Splits disagreements into explained and unexplained, remembering which listings were used. */
export class ExceptionIndex {
  private readonly used = new Set<string>();

  constructor(private readonly file: ExceptionsFile) {}

  explain(d: Disagreement): ExceptionEntry | null {
    for (const e of this.file.exceptions) {
      if (e.capture !== d.capture || e.field !== d.field) continue;
      if (e.ids === undefined) {
        this.used.add(this.key(e, '*'));
        return e;
      }
      if (e.ids.includes(d.id)) {
        this.used.add(this.key(e, d.id));
        return e;
      }
    }
    return null;
  }

  /**
   * Listings that matched no disagreement. Captures of the corpus that were not compared
   * (a filtered run, `-t`) are not judged; a capture missing from the corpus is stale.
   */
  stale(corpusCaptures: ReadonlySet<string>, capturesCompared: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const e of this.file.exceptions) {
      if (!corpusCaptures.has(e.capture)) {
        out.push(`${e.capture} ${e.field}: no such capture in the corpus`);
        continue;
      }
      if (!capturesCompared.has(e.capture)) continue;
      for (const id of e.ids ?? ['*']) {
        if (!this.used.has(this.key(e, id))) out.push(`${e.capture} ${e.field} ${id === '*' ? '(all)' : id}: no longer disagrees`);
      }
    }
    return out;
  }

  private key(e: ExceptionEntry, id: string): string {
    return `${e.capture}\t${e.field}\t${id}`;
  }
}
