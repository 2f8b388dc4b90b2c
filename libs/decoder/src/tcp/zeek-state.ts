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

/** What the state machine keeps per endpoint (Zeek's TCP_Endpoint state and prev_state). */
export interface ZeekEndpoint {
  zeekState: EndpointState;
  /** The state before the last change. */
  zeekPrevState: EndpointState;
}

function setState(e: ZeekEndpoint, s: EndpointState): void {
  if (e.zeekState === s) return;
  e.zeekPrevState = e.zeekState;
  e.zeekState = s;
}

/**
 * One packet's effect on the endpoint states, following TCPSessionAdapter's
 * UpdateStateMachine: dispatch on the sender's state; SYN, FIN and RST are independent
 * checks in that order, so with several flags the last one wins.
 */
export function zeekStateStep(orig: ZeekEndpoint, resp: ZeekEndpoint, sender: 0 | 1, flags: number, payloadLength: number): void {
  const me = sender === 0 ? orig : resp;
  const peer = sender === 0 ? resp : orig;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ack = (flags & TcpFlag.ACK) !== 0;
  const fin = (flags & TcpFlag.FIN) !== 0;
  const rst = (flags & TcpFlag.RST) !== 0;
  const s = me.zeekState;
  const ps = peer.zeekState;
  switch (s) {
    case EndpointState.Inactive: {
      let changed = false;
      if (syn) {
        if (sender === 0) {
          setState(me, ack ? EndpointState.SynAckSent : EndpointState.SynSent);
        } else {
          // A SYN or SYN-ACK from the responder establishes both sides.
          if (ps === EndpointState.SynSent || ps === EndpointState.SynAckSent) setState(peer, EndpointState.Established);
          setState(me, EndpointState.Established);
        }
        changed = true;
      }
      if (fin) {
        setState(me, EndpointState.Closed);
        changed = true;
      }
      if (rst) {
        setState(me, EndpointState.Reset);
        changed = true;
      }
      if (!changed) {
        if (sender === 1 && payloadLength === 0 && orig.zeekState === EndpointState.SynSent) return; // ACK before SYN-ACK
        if (ack && ps === EndpointState.Established) setState(me, EndpointState.Established);
        else setState(me, EndpointState.Partial);
      }
      return;
    }
    case EndpointState.SynSent:
    case EndpointState.SynAckSent:
      if (fin) setState(me, EndpointState.Closed);
      if (rst) setState(me, EndpointState.Reset);
      return;
    case EndpointState.Established:
    case EndpointState.Partial:
      if (syn && !ack && s === EndpointState.Partial && ps === EndpointState.Inactive) setState(me, EndpointState.SynSent);
      if (fin && !rst) {
        setState(me, EndpointState.Closed);
        if (ps === EndpointState.Reset && peer.zeekPrevState === EndpointState.Closed) setState(peer, EndpointState.Closed);
      }
      if (rst) setState(me, EndpointState.Reset);
      return;
    case EndpointState.Closed:
      if (rst && ps !== EndpointState.Closed) setState(me, EndpointState.Reset);
      return;
    default:
      return; // RESET is terminal
  }
}

const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*$/s;

/** conn_state from base/protocols/conn/main.zeek, verbatim in logic. */
export function zeekConnState(orig: ZeekEndpoint, resp: ZeekEndpoint, history: string, origSize: number, respSize: number): ConnState {
  const os = orig.zeekState;
  const rs = resp.zeekState;
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
