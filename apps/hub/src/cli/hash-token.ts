import { createHash } from 'node:crypto';
import { HubConfigError } from '../config/hub-config-error';

async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HubConfigError(`hash-token: more than ${limit} bytes on stdin; a token is one line`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The tokens-file form of a token: `sha256:<hex>`, so the hub stores no token in clear. */
export function tokenHashLine(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** `hash-token`: one token on stdin (its final line break dropped), its hash on stdout. */
export async function hashTokenCommand(): Promise<void> {
  const token = (await readStdin(8192)).replace(/\r?\n$/, '');
  if (token === '') throw new HubConfigError('hash-token: no token on stdin (try: hash-token < agent.token)');
  if (/[\s]/.test(token)) throw new HubConfigError('hash-token: the token holds white space or several lines; an agent sends it as one word after "Bearer "');
  process.stdout.write(`${tokenHashLine(token)}\n`);
}
