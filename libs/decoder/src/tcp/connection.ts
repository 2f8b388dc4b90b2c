import type { TlsEvent } from '../event/tls-event';
import type { TlsSession } from '../tls/tls-session';
import { ZeekHistory } from './history';
import type { StreamReassembler } from './stream-reassembler';
import { TcpEndpoint } from './tcp-endpoint';
import { EndpointState, zeekConnState, type ConnState, type EndpointPair } from './zeek-state';

/** Index of a side in the per-side arrays: the client (Zeek's originator) and the server. */
export const CLIENT = 0;
export const SERVER = 1;
export type Side = 0 | 1;

export type ResetPhase = 'handshake' | 'established' | 'closing';
/** How the client was told from the server. */
export type RoleSource = 'syn' | 'syn-ack' | 'port-heuristic' | 'first-packet';
/** How the connection ended, as the ladder and the event say it. */
export type CloseKind = 'fin' | 'fin-merged' | 'half-closed' | 'rst' | 'rst-after-fin' | 'open';
export type EndReason = 'capture-end' | 'idle' | 'evicted' | 'port-reused';

export type AnomalyCode =
  | 'synack_ack_mismatch' // SYN-ACK's ack is not the SYN's seq + 1
  | 'handshake_ack_mismatch' // third packet's seq/ack do not continue the handshake
  | 'syn_retransmission'
  | 'retransmission'
  | 'seq_gap' // bytes missing from the capture
  | 'ack_unseen_data' // acknowledges bytes the capture never showed
  | 'rst_seq_unexpected' // RST seq is not the sender's next sequence number
  | 'rst_ack_mismatch' // RST answering a SYN does not ack SYN seq + 1
  | 'fin_ack_mismatch' // the peer acknowledged past FIN + 1
  | 'data_after_fin' // a side sent new data after its own FIN
  | 'zero_window'
  | 'bad_tcp_options';

/** One line of the ladder (recorded only when asked for: `inspect --format text`). */
export interface LadderStep {
  frame: number;
  tsSec: number;
  tsNsec: number;
  from: Side;
  flags: number;
  relSeq: number;
  relAck: number; // -1 when ACK is not set or the peer's base is unknown
  length: number;
  window: number;
  notes: string[];
}

/** Everything the tracker knows about one TCP connection. Plain data; the tracker mutates it. */
export class Connection implements EndpointPair {
  // Identity
  id: number;
  ipVersion: 4 | 6;
  /** [client, server] address bytes (copied once, at creation). */
  addr: [Uint8Array, Uint8Array];
  port: [number, number];
  roleSource: RoleSource = 'first-packet';
  hash: number;

  // Time
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;

  /** Per-side counters and sequence space: [client, server]. */
  readonly ep: [TcpEndpoint, TcpEndpoint] = [new TcpEndpoint(), new TcpEndpoint()];

  // Handshake (times as sec/nsec pairs; sec < 0 = not seen)
  synCount = 0;
  synAckCount = 0;
  synSeq = 0;
  synAckSeq = 0;
  /**
   * Most recent pure SYN, from either side (Wireshark's ts_mru_syn): iRTT is measured
   * from it. Its sender is the handshake's initiator: the client, except in a
   * simultaneous open or split handshake where the server's SYN gets the SYN-ACK.
   */
  mruSynSec = -1;
  mruSynNsec = 0;
  mruSynSide: Side | -1 = -1;
  mruSynSeq = 0;
  /** The most recent SYN-ACK and its sender (server_seconds, client_seconds). */
  mruSynAckSec = -1;
  mruSynAckNsec = 0;
  mruSynAckSide: Side | -1 = -1;
  mruSynAckSeq = 0;
  handshakeDone = false;
  /** Nanosecond spans of the handshake, -1 when not seen. */
  serverNs = -1;
  clientNs = -1;
  rttNs = -1;

  // Ends
  firstRstSide: Side | -1 = -1;
  resetPhase: ResetPhase | null = null;
  /** A side sent new data after the other side's FIN (a half-close was used). */
  halfCloseData = false;
  /** A FIN arrived in the same segment that acknowledged the peer's FIN. */
  mergedFinAck = false;
  endReason: EndReason | null = null;

  // Zeek view (EndpointPair)
  state: [EndpointState, EndpointState] = [EndpointState.Inactive, EndpointState.Inactive];
  prevState: [EndpointState, EndpointState] = [EndpointState.Inactive, EndpointState.Inactive];
  readonly zeekHistory = new ZeekHistory();

  // TLS (see tls/tls-feed.ts): the session and, while it needs bytes, per-side reassembly
  tls: TlsSession | null = null;
  reassembly: [StreamReassembler, StreamReassembler] | null = null;
  /** Where each side's stream starts (its SYN's seq + 1; -1: none), until reassembly is made. */
  tlsStart0 = -1;
  tlsStart1 = -1;
  /** The TLS session needs no more bytes (or TLS analysis is off for this connection). */
  tlsDone = false;
  /**
   * The event's `tls` part, made as soon as the session is done when the analyzer is
   * asked to summarize early: the session's parsed hellos then die young instead of
   * being carried (and copied by the garbage collector) for the connection's life.
   */
  tlsSummary: TlsEvent | undefined = undefined;

  anomalies: Partial<Record<AnomalyCode, number>> = {};
  ladder: LadderStep[] | null = null;
  ladderDropped = 0;

  // Tracker bookkeeping: hash-bucket chain and the LRU list (intrusive, no allocation)
  bucketNext: Connection | null = null;
  lruPrev: Connection | null = null;
  lruNext: Connection | null = null;

  constructor(id: number, ipVersion: 4 | 6, client: Uint8Array, clientPort: number, server: Uint8Array, serverPort: number, hash: number) {
    this.id = id;
    this.ipVersion = ipVersion;
    this.addr = [client, server];
    this.port = [clientPort, serverPort];
    this.hash = hash;
  }

  /**
   * Make an ended connection new again, for another 4-tuple (ConnTracker's
   * `reuseConnections`): every field back to a fresh connection's value, keeping the
   * small objects it owns. Reused objects are long-lived, so the garbage collector no
   * longer promotes and later sweeps one set of them per connection.
   */
  reuse(id: number, ipVersion: 4 | 6, client: Uint8Array, clientPort: number, server: Uint8Array, serverPort: number, hash: number): void {
    // Field by field, not Object.assign from a template: this runs once per connection,
    // and the generic copy cost more than the rest of a short connection's bookkeeping.
    // connection.spec.ts checks that every field is covered.
    this.id = id;
    this.ipVersion = ipVersion;
    this.addr[0] = client;
    this.addr[1] = server;
    this.port[0] = clientPort;
    this.port[1] = serverPort;
    this.roleSource = 'first-packet';
    this.hash = hash;
    this.firstSec = this.firstNsec = this.lastSec = this.lastNsec = 0;
    this.ep[0].reset();
    this.ep[1].reset();
    this.synCount = this.synAckCount = this.synSeq = this.synAckSeq = 0;
    this.mruSynSec = this.mruSynAckSec = -1;
    this.mruSynNsec = this.mruSynSeq = this.mruSynAckNsec = this.mruSynAckSeq = 0;
    this.mruSynSide = this.mruSynAckSide = -1;
    this.handshakeDone = false;
    this.serverNs = this.clientNs = this.rttNs = -1;
    this.firstRstSide = -1;
    this.resetPhase = null;
    this.halfCloseData = this.mergedFinAck = false;
    this.endReason = null;
    this.state[0] = this.state[1] = this.prevState[0] = this.prevState[1] = EndpointState.Inactive;
    this.zeekHistory.reset();
    this.tls = null;
    this.reassembly = null;
    this.tlsStart0 = this.tlsStart1 = -1;
    this.tlsDone = false;
    this.tlsSummary = undefined;
    this.anomalies = {};
    this.ladder = null;
    this.ladderDropped = 0;
    this.bucketNext = this.lruPrev = this.lruNext = null;
  }

  get finished(): boolean {
    return this.ep[0].rstCount + this.ep[1].rstCount > 0 || (this.ep[0].finAcked && this.ep[1].finAcked);
  }

  get closeKind(): CloseKind {
    const fins = (this.ep[0].finCount > 0 ? 1 : 0) + (this.ep[1].finCount > 0 ? 1 : 0);
    if (this.firstRstSide !== -1) return fins > 0 && this.resetPhase === 'closing' ? 'rst-after-fin' : 'rst';
    if (fins === 2) return this.mergedFinAck ? 'fin-merged' : 'fin';
    if (fins === 1) return 'half-closed';
    return 'open';
  }

  get history(): string {
    return this.zeekHistory.text;
  }

  get connState(): ConnState {
    return zeekConnState(this, this.history, this.zeekSize(CLIENT), this.zeekSize(SERVER));
  }

  /** TCP_Endpoint::Size(): bytes in sequence space, less the SYN and FIN octets. */
  zeekSize(side: Side): number {
    if (!this.ep[side].hasBase) return 0;
    let end = this.ep[side].hasSeqEnd ? this.ep[side].seqEnd : this.ep[side].base;
    if (this.ep[side].hasAcked && ((this.ep[side].ackedUpTo - end) | 0) > 0) end = this.ep[side].ackedUpTo;
    let size = (end - this.ep[side].base) >>> 0;
    if (size > 0) size--;
    if (this.ep[side].finCount > 0 && size > 0) size--;
    return size;
  }

  count(code: AnomalyCode): void {
    this.anomalies[code] = (this.anomalies[code] ?? 0) + 1;
  }
}
