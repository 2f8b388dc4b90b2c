import type { DecodedPacket } from '../decoded-packet';
import type { Connection, Side } from '../tcp/connection';
import type { StreamHook } from '../tcp/stream-hook';
import { ReassemblyPool } from './reassembly-pool';
import { SegmentArena } from './segment-arena';
import { feedTls, holdsOutOfOrder, releaseReassembly, shedOutOfOrder, tlsHeldBytes } from './tls-feed';

/**
 * TLS as the tracker's stream hook: each connection's segments through per-direction
 * reassembly into its TLS session (tls-feed.ts), out-of-order copies cut from one arena,
 * reassemblers reused from one pool.
 * `recordMessages`: keep each TLS message for the ladder (`inspect --format text`).
 */
export class TlsStreams implements StreamHook {
  private readonly arena = new SegmentArena();
  private readonly pool: ReassemblyPool;

  constructor(recordMessages: boolean) {
    this.pool = new ReassemblyPool(recordMessages, this.arena);
  }

  segment(c: Connection, side: Side, p: DecodedPacket): void {
    feedTls(c, side, p, this.pool);
  }

  heldBytes(c: Connection): number {
    return c.reassembly !== null || c.tls !== null || c.tlsSummary !== undefined ? tlsHeldBytes(c) : 0;
  }

  holdsOutOfOrder(c: Connection): boolean {
    return c.reassembly !== null && holdsOutOfOrder(c);
  }

  shedOutOfOrder(c: Connection): number {
    return shedOutOfOrder(c, this.pool);
  }

  get sharedBytes(): number {
    return this.arena.bytes;
  }

  dropSpares(): void {
    this.arena.dropSpares();
  }

  release(c: Connection): void {
    // Out-of-order copies go back to the arena now (a dropped reassembler would hold its
    // slabs), and the reassemblers to the pool: nulled here, nothing of the ended connection
    // reaches them (the event reads its session, never its reassembly).
    releaseReassembly(c, this.pool);
  }
}
