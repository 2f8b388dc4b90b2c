import { readFileSync } from 'node:fs';

/** What a file setting came to: its contents, or one sentence for the configuration error (never the contents). */
export type FileReading<T> = { ok: true; value: T } | { ok: false; problem: string };

function whyUnreadable(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error)?.message ?? String(e);
  return `cannot read ${path}: ${why}`;
}

/**
 * The hub token from its file: the whole file, trailing newline (and other trailing
 * white space) trimmed. An unreadable or empty file, or a token a header cannot carry,
 * is a problem described without quoting the token.
 */
export function readTokenFile(path: string): FileReading<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: whyUnreadable(path, e) };
  }
  const token = text.replace(/\s+$/, '');
  if (token.length === 0) return { ok: false, problem: `${path} is empty (it should hold the agent's token)` };
  if (!/^[\x21-\x7e]+$/.test(token)) return { ok: false, problem: `${path}: the token must be one line of printable ASCII without spaces` };
  return { ok: true, value: token };
}

/** A PEM file (CA, client certificate or key) as bytes. */
export function readPemFile(path: string): FileReading<Buffer> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, problem: whyUnreadable(path, e) };
  }
  if (!bytes.includes('-----BEGIN ')) return { ok: false, problem: `${path} is not a PEM file` };
  return { ok: true, value: bytes };
}
