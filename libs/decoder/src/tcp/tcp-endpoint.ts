import { EndpointState, type ZeekEndpoint } from './zeek-state';

/**
 * What the tracker keeps per side of a connection. One small object per side with
 * scalar fields: per-side two-element arrays cost ~1.6 KB a connection and were most of
 * what the garbage collector copied on busy captures.
 */
export class TcpEndpoint implements ZeekEndpoint {
  packets = 0;
  /** TCP payload bytes sent. */
  payloadBytes = 0;
  /** Relative numbering base (Wireshark's base_seq, Zeek's start_seq), raw. */
  base = 0;
  hasBase = false;
  /** Highest sequence number sent + its length (SYN and FIN count one), raw. */
  seqEnd = 0;
  hasSeqEnd = false;
  finCount = 0;
  /** Sequence number the first FIN occupies (raw), and whether the peer acknowledged it. */
  finSeq = 0;
  finAcked = false;
  rstCount = 0;
  /** Highest ack this side's data received from the peer (raw), for Zeek's endpoint size. */
  ackedUpTo = 0;
  hasAcked = false;
  /**
   * Sequence ranges a later segment skipped (seq_gap), 4 numbers each: start, end, and the
   * time it was skipped: a segment there is out of order or resent (segment/seq-holes.ts).
   * Made at the first gap; most connections have none.
   */
  holes: number[] | null = null;
  /** Zeek's view of this endpoint (zeek-state.ts). */
  zeekState = EndpointState.Inactive;
  zeekPrevState = EndpointState.Inactive;

  reset(): void {
    this.packets = this.payloadBytes = this.base = this.seqEnd = this.finCount = this.finSeq = this.rstCount = this.ackedUpTo = 0;
    this.hasBase = this.hasSeqEnd = this.finAcked = this.hasAcked = false;
    this.zeekState = this.zeekPrevState = EndpointState.Inactive;
    this.holes = null;
  }
}
