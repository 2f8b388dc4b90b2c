import { nsBetween } from '../../time';
import { seqAdd, seqDiff } from '../seq';
import type { TcpEndpoint } from '../tcp-endpoint';

/** Holes (seq_gap) remembered per side at most; past it the oldest is forgotten. */
const MAX_HOLES = 4;

/** Wireshark's out-of-order threshold when the handshake gave no iRTT: 3 ms. */
const OOO_THRESHOLD_NS = 3e6;

/** Bytes `[start, end)` skipped by a segment seen at `sec/nsec`: a later segment there is out of order or resent. */
export function openHole(ep: TcpEndpoint, start: number, end: number, sec: number, nsec: number): void {
  const h = (ep.holes ??= []);
  if (h.length >= MAX_HOLES * 4) h.splice(0, 4);
  h.push(start, end, sec, nsec);
}

/**
 * A segment behind the highest sequence number is out of order (Wireshark's
 * tcp.analysis.out_of_order) when it brings bytes the capture had not shown, starting in
 * a hole a later segment left, within the iRTT (else 3 ms) of that later segment:
 * reordered on the way, not resent. Otherwise (bytes seen before, or filling a hole late,
 * after the original was lost before the capture point) it is a retransmission.
 */
export function fillsHole(ep: TcpEndpoint, seq: number, len: number, sec: number, nsec: number, rttNs: number): boolean {
  const h = ep.holes;
  if (h === null) return false;
  for (let i = 0; i < h.length; i += 4) {
    const start = h[i];
    const end = h[i + 1];
    if (seqDiff(seq, start) < 0 || seqDiff(seq, end) >= 0) continue;
    const inTime = nsBetween(h[i + 2], h[i + 3], sec, nsec) < (rttNs > 0 ? rttNs : OOO_THRESHOLD_NS);
    const fillEnd = seqAdd(seq, len);
    // What is left of the hole: below the segment, above it, both (split), or nothing.
    const below = seqDiff(seq, start) > 0;
    const above = seqDiff(end, fillEnd) > 0;
    if (below && above && h.length < MAX_HOLES * 4) h.push(fillEnd, end, h[i + 2], h[i + 3]);
    if (below) h[i + 1] = seq;
    else if (above) h[i] = fillEnd;
    else h.splice(i, 4);
    return inTime;
  }
  return false;
}
