import type { DecodedPacket } from '../../decoded-packet';
import { TcpFlag } from '../../transport/tcp-flags';
import type { Connection, Side } from '../connection';
import { seqRelative } from '../seq';
import { EndpointState } from '../zeek-state';
import { flag, type CheckSink } from './ladder-check';

/** Zeek's history letters (update_history) and its W: a zero window, outside SYN, RST and closed ends. */
export function historyStep(c: Connection, side: Side, p: DecodedPacket, checks: CheckSink): void {
  const me = c.endpoint(side);
  c.zeekHistory.packet(side, p.flags, p.payloadLength, seqRelative(p.seq, me.base));
  if (p.window === 0 && (p.flags & (TcpFlag.RST | TcpFlag.SYN)) === 0 && c.endpoint((side ^ 1) as Side).zeekState !== EndpointState.Closed && me.zeekState !== EndpointState.Reset) {
    c.zeekHistory.scaledLetter(side, 'W');
    flag(c, checks, 'zero_window');
  }
}
