import { AGENT_ID } from '@shakewatch/protocol';

/** An agent-id pattern from the tokens file: agent-id characters, and `*` for any run of them. */
export const AGENT_PATTERN = /^[A-Za-z0-9._:*-]{1,128}$/;

/**
 * Does `id` match `pattern` (`*` = any run of characters, possibly empty)? A two-pointer
 * glob match with one backtrack point: O(len(id) x len(pattern)) at worst, unlike a
 * regular expression built from the pattern, whose backtracking a pattern such as
 * `*a*a*a*a*b` could make exponential.
 */
export function matchAgentPattern(pattern: string, id: string): boolean {
  let p = 0;
  let i = 0;
  let star = -1;
  let resume = 0;
  while (i < id.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === id[i]) {
      p++;
      i++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = i;
    } else if (star >= 0) {
      p = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export function isAgentId(v: unknown): v is string {
  return typeof v === 'string' && AGENT_ID.test(v);
}
