import type { DecodedPacket } from '../decoded-packet';
import type { Connection, Side } from '../tcp/connection';
import type { StreamHook } from '../tcp/stream-hook';
import { SegmentArena } from './segment-arena';
import { feedTls, holdsOutOfOrder, shedOutOfOrder, tlsHeldBytes } from './tls-feed';

/**
 * TLS as the tracker's stream hook: each connection's segments through per-direction
 * reassembly into its TLS session (tls-feed.ts), out-of-order copies cut from one arena.
 * `recordMessages`: keep each TLS message for the ladder (`inspect --format text`).
 */
export class TlsStreams implements StreamHook {
  private readonly arena = new SegmentArena();

  constructor(private readonly recordMessages: boolean) {}

  segment(c: Connection, side: Side, p: DecodedPacket): void {
    feedTls(c, side, p, this.recordMessages, this.arena);
  }

  heldBytes(c: Connection): number {
    return c.reassembly !== null || c.tls !== null || c.tlsSummary !== undefined ? tlsHeldBytes(c) : 0;
  }

  holdsOutOfOrder(c: Connection): boolean {
    return c.reassembly !== null && holdsOutOfOrder(c);
  }

  shedOutOfOrder(c: Connection): number {
    return shedOutOfOrder(c);
  }

  get sharedBytes(): number {
    return this.arena.bytes;
  }

  dropSpares(): void {
    this.arena.dropSpares();
  }

  release(c: Connection): void {
    // Out-of-order copies go back to the arena now (a dropped reassembler would hold its slabs).
    if (c.reassembly !== null) {
      c.reassembly[0].stop();
      c.reassembly[1].stop();
    }
  }
}
