import type { DecodedPacket } from '../decoded-packet';
import type { Connection, Side } from './connection';

/**
 * What the tracker hands each segment to beyond TCP, and asks back for its memory budget.
 * TLS (tls/tls-streams.ts) is one, given by whoever makes the tracker: the tracker knows no
 * more of it than this, so tcp/ never reaches into tls/.
 */
export interface StreamHook {
  /** One segment of `c` from `side`, after the TCP analysis. */
  segment(c: Connection, side: Side, p: DecodedPacket): void;
  /** Bytes `c`'s stream state holds, by the budget's accounting (0 with none). */
  heldBytes(c: Connection): number;
  /** `c` holds out-of-order bytes the budget could take back. */
  holdsOutOfOrder(c: Connection): boolean;
  /** Take them back (their holes become gaps); returns the bytes let go. */
  shedOutOfOrder(c: Connection): number;
  /** Bytes held for all connections together (reassembly slabs). */
  readonly sharedBytes: number;
  /** Let shared memory kept for later go (the budget needs it now). */
  dropSpares(): void;
  /** `c` ends: what its stream state holds goes back now. */
  release(c: Connection): void;
}
