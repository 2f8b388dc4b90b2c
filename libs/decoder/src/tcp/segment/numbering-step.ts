import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import type { Connection, Side } from '../connection';
import { seqAdd } from '../seq';

/**
 * Relative numbering (Wireshark's base_seq, Zeek's start_seq): a side's base is its
 * SYN's seq, or seq - 1 for a side first seen mid-stream; an ACK tells the peer's base
 * too. Every later step reads sequence numbers relative to these bases.
 */
export function numberingStep(c: Connection, side: Side, p: DecodedPacket): void {
  const me = c.endpoint(side);
  if (!me.hasBase) {
    me.base = (p.flags & TcpFlag.SYN) !== 0 ? p.seq : seqAdd(p.seq, -1);
    me.hasBase = true;
  }
  const other = c.endpoint((side ^ 1) as Side);
  if ((p.flags & (TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.ACK && !other.hasBase) {
    other.base = seqAdd(p.ack, -1);
    other.hasBase = true;
  }
}
