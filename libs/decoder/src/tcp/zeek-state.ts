import { TcpFlag } from '../transport/tcp-flags';

/** Zeek's TCP endpoint states (TCP_Endpoint.h), in the same order as its script constants. */
export enum EndpointState {
  Inactive = 0,
  SynSent = 1,
  SynAckSent = 2,
  Partial = 3,
  Established = 4,
  Closed = 5,
  Reset = 6,
}

/** Zeek's conn_state codes. */
export type ConnState = 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

/** The per-side view the state machine needs: [originator, responder]. */
export interface EndpointPair {
  state: [EndpointState, EndpointState];
  /** State before the last change, per side (Zeek's prev_state). */
  prevState: [EndpointState, EndpointState];
}

function setState(e: EndpointPair, side: 0 | 1, s: EndpointState): void {
  if (e.state[side] === s) return;
  e.prevState[side] = e.state[side];
  e.state[side] = s;
}

/**
 * One packet's effect on the endpoint states, following TCPSessionAdapter's
 * UpdateStateMachine: dispatch on the sender's state; SYN, FIN and RST are independent
 * checks in that order, so with several flags the last one wins.
 */
export function zeekStateStep(e: EndpointPair, sender: 0 | 1, flags: number, payloadLength: number): void {
  const peer = (sender ^ 1) as 0 | 1;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ack = (flags & TcpFlag.ACK) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const s = e.state[sender];
  const ps = e.state[peer];
  switch (s) {
    case EndpointState.Inactive: {
      let changed = false;
      if (syn) {
        if (sender === 0) {
          setState(e, sender, ack ? EndpointState.SynAckSent : EndpointState.SynSent);
        } else {
          // A SYN or SYN-ACK from the responder establishes both sides.
          if (ps === EndpointState.SynSent || ps === EndpointState.SynAckSent) setState(e, peer, EndpointState.Established);
          setState(e, sender, EndpointState.Established);
        }
        changed = true;
      }
      if (fin) {
        setState(e, sender, EndpointState.Closed);
        changed = true;
      }
      if (rst) {
        setState(e, sender, EndpointState.Reset);
        changed = true;
      }
      if (!changed) {
        if (sender === 1 && payloadLength === 0 && e.state[0] === EndpointState.SynSent) return; // ACK before SYN-ACK
        if (ack && ps === EndpointState.Established) setState(e, sender, EndpointState.Established);
        else setState(e, sender, EndpointState.Partial);
      }
      return;
    }
    case EndpointState.SynSent:
    case EndpointState.SynAckSent:
      if (fin) setState(e, sender, EndpointState.Closed);
      if (rst) setState(e, sender, EndpointState.Reset);
      return;
    case EndpointState.Established:
    case EndpointState.Partial:
      if (syn && !ack && s === EndpointState.Partial && ps === EndpointState.Inactive) setState(e, sender, EndpointState.SynSent);
      if (fin && !rst) {
        setState(e, sender, EndpointState.Closed);
        if (ps === EndpointState.Reset && e.prevState[peer] === EndpointState.Closed) setState(e, peer, EndpointState.Closed);
      }
      if (rst) setState(e, sender, EndpointState.Reset);
      return;
    case EndpointState.Closed:
      if (rst && ps !== EndpointState.Closed) setState(e, sender, EndpointState.Reset);
      return;
    default:
      return; // RESET is terminal
  }
}

const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*$/s;

/** conn_state from base/protocols/conn/main.zeek, verbatim in logic. */
export function zeekConnState(e: EndpointPair, history: string, origSize: number, respSize: number): ConnState {
  const os = e.state[0];
  const rs = e.state[1];
  const oInactive = os === EndpointState.Inactive || os === EndpointState.Partial;
  const rInactive = rs === EndpointState.Inactive || rs === EndpointState.Partial;
  if (rs === EndpointState.Reset) {
    if (os === EndpointState.SynSent || os === EndpointState.SynAckSent || (os === EndpointState.Reset && origSize === 0 && respSize === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === EndpointState.Reset) {
    if (rInactive) return RSTOS0_HISTORY.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === EndpointState.Closed && os === EndpointState.Closed) return 'SF';
  if (os === EndpointState.Closed) return rInactive ? 'SH' : 'S2';
  if (rs === EndpointState.Closed) return oInactive ? 'SHR' : 'S3';
  if (os === EndpointState.SynSent && rs === EndpointState.Inactive) return 'S0';
  if (os === EndpointState.Established && rs === EndpointState.Established) return 'S1';
  return 'OTH';
}
