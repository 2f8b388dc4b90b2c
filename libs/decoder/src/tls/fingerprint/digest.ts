import { createHash } from 'node:crypto';

/**
 * Hex digests of fingerprint strings, remembered: the same client software sends the same
 * hello on every connection, so the same JA3/JA4 strings come back thousands of times,
 * and a Map lookup costs a fraction of creating a hash object. Each cache is capped
 * (cleared when full).
 */
const CACHE_MAX = 4096;
const md5Cache = new Map<string, string>();
const sha256Cache = new Map<string, string>();

export function md5Hex(s: string): string {
  return remembered(md5Cache, 'md5', s);
}

export function sha256Hex(s: string): string {
  return remembered(sha256Cache, 'sha256', s);
}

function remembered(cache: Map<string, string>, algorithm: 'md5' | 'sha256', s: string): string {
  let hex = cache.get(s);
  if (hex === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    hex = createHash(algorithm).update(s).digest('hex');
    cache.set(s, hex);
  }
  return hex;
}
