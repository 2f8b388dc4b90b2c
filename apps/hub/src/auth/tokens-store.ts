import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { HUB_CONFIG, HUB_LOGGER } from '../config/tokens';
import type { HubConfig } from '../config/hub-config';
import { loadTokensFile, type TokenEntry } from './tokens-file';

/** sha256(token) as bytes. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The tokens the hub accepts: read at start, re-read on SIGHUP (a bad new file is
 * logged and the old tokens stay).
 */
@Injectable()
export class TokensStore {
  private entries: readonly TokenEntry[];

  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig, @Inject(HUB_LOGGER) private readonly log: Logger) {
    this.entries = config.tokens;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The entry whose hash equals sha256(token), or undefined. Every entry is compared, in
   * constant time each, with no early exit: the time taken says nothing about which
   * entry (or how much of a hash) matched.
   */
  find(tokenHash: Buffer): TokenEntry | undefined {
    let found: TokenEntry | undefined;
    for (const e of this.entries) {
      const same = timingSafeEqual(e.hash, tokenHash);
      if (same && found === undefined) found = e;
    }
    return found;
  }

  reload(): boolean {
    try {
      this.entries = loadTokensFile(this.config.tokensFile);
      this.log.info({ tokens: this.entries.length, file: this.config.tokensFile }, 'tokens file reloaded');
      return true;
    } catch (e) {
      this.log.error({ err: (e as Error).message, tokens: this.entries.length }, 'tokens file not reloaded, keeping the previous tokens');
      return false;
    }
  }
}
