import type { Connection, Side } from '../tcp/connection';
import type { SegmentArena } from './segment-arena';
import { StreamReassembler, type ReassemblerSink } from './stream-reassembler';
import { TlsSession } from './tls-session';

/** Byte cap per direction for handshake reassembly (out-of-order bytes held). */
export const TLS_REASSEMBLY_CAP = 256 * 1024;

/** Reassembly pairs kept for later connections at most (about 400 bytes each). */
const POOL_CAP = 1024;

export type ReassemblyPair = [StreamReassembler, StreamReassembler];

/**
 * Both sides' reassemblers (and their sinks), made for a connection's out-of-order bytes
 * and given back when it needs them no more: its session is done, or it ends. Under a
 * flood of holes every connection needs a pair, and the connections the memory budget keeps
 * are all promoted by the collector, then shed and made again; a pair given back is made
 * new again instead (its five objects are long-lived, not promoted and swept once each).
 * A pair given back is reachable from nothing else: its connection's `reassembly` is nulled,
 * and its sinks point at the next connection once taken.
 */
export class ReassemblyPool {
  private readonly spare: ReassemblyPair[] = [];

  /** `recordMessages`: sessions keep each TLS message (the ladder); `arena`: where held copies are cut from. */
  constructor(readonly recordMessages: boolean, private readonly arena: SegmentArena | null = null) {}

  /** A pair for `c`: one given back, made new, or a new one. */
  take(c: Connection): ReassemblyPair {
    const r = this.spare.pop();
    if (r === undefined) return [this.make(c, 0), this.make(c, 1)];
    for (const s of r) {
      (s.sink as TlsSink).c = c;
      s.reuse();
    }
    return r;
  }

  /** `r` is stopped and reachable no more from its connection: kept for the next one. */
  give(r: ReassemblyPair): void {
    if (this.spare.length < POOL_CAP) this.spare.push(r);
  }

  private make(c: Connection, side: Side): StreamReassembler {
    return new StreamReassembler(new TlsSink(c, side, this.recordMessages), TLS_REASSEMBLY_CAP, this.arena);
  }
}

/** The connection's session, made on first use. */
export function sessionOf(c: Connection, recordMessages: boolean): TlsSession {
  return (c.tls ??= new TlsSession(recordMessages));
}

/** One direction's reassembled bytes into the connection's session (made on first use). */
class TlsSink implements ReassemblerSink {
  constructor(public c: Connection, private readonly side: Side, private readonly recordMessages: boolean) {}

  data(bytes: Uint8Array): void {
    sessionOf(this.c, this.recordMessages).data(this.side, bytes, this.c.lastSec, this.c.lastNsec);
  }

  gap(): void {
    sessionOf(this.c, this.recordMessages).gap(this.side);
  }
}
