import { readFileSync } from 'node:fs';
import { AGENT_PATTERN, matchAgentPattern } from './agent-pattern';

/** One line of the tokens file: the SHA-256 of a token and the agent ids it may speak for. */
export interface TokenEntry {
  /** sha256(token), 32 bytes. */
  readonly hash: Buffer;
  readonly patterns: readonly string[];
  /** Line number in the file (1-based), for logs. */
  readonly line: number;
}

export class TokensFileError extends Error {}

const LINE = /^sha256:([0-9A-Fa-f]{64})\s+(\S+)$/;

/**
 * Parse the tokens file: `sha256:<64 hex> <pattern>[,<pattern>...]` a line, `#` starts a
 * comment, blank lines are skipped. The first bad line fails the whole file (a hub that
 * silently dropped a line would lock that agent out without saying why).
 */
export function parseTokensFile(text: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const hashAt = lines[n].indexOf('#');
    const line = (hashAt >= 0 ? lines[n].slice(0, hashAt) : lines[n]).trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) {
      const why = !line.startsWith('sha256:') ? 'expected sha256:<64 hex digits> <agent-id pattern>[,<pattern>...]'
        : !/^sha256:[0-9A-Fa-f]{64}(\s|$)/.test(line) ? 'the hash must be 64 hex digits (the SHA-256 of the token: run `hash-token`)'
        : !/\s\S/.test(line.slice(71)) ? 'no agent-id pattern after the hash'
        : 'patterns are one comma-separated list without spaces';
      throw new TokensFileError(`line ${n + 1}: ${why}`);
    }
    const patterns = m[2].split(',');
    for (const p of patterns) {
      if (!AGENT_PATTERN.test(p)) throw new TokensFileError(`line ${n + 1}: bad agent-id pattern ${JSON.stringify(p.slice(0, 40))} (letters, digits, . _ : - and *, 1-128 characters)`);
    }
    entries.push({ hash: Buffer.from(m[1].toLowerCase(), 'hex'), patterns, line: n + 1 });
  }
  if (entries.length === 0) throw new TokensFileError('no tokens in the file: no agent could ever connect');
  return entries;
}

/** Read and parse; every failure is a TokensFileError with one clear line naming the file. */
export function loadTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new TokensFileError(`cannot read tokens file ${path}: ${why}`);
  }
  try {
    return parseTokensFile(text);
  } catch (e) {
    throw new TokensFileError(`tokens file ${path} ${(e as Error).message}`);
  }
}

/** Does the entry allow this agent id? */
export function allowsAgent(entry: TokenEntry, agentId: string): boolean {
  return entry.patterns.some((p) => matchAgentPattern(p, agentId));
}
