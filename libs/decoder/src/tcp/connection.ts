import type { TlsEvent } from '../event/tls-event';
import type { TlsSession } from '../tls/tls-session';
import { ZeekHistory } from './history';
import type { LadderCheck } from './segment/ladder-check';
import type { StreamReassembler } from '../tls/stream-reassembler';
import { TcpEndpoint } from './tcp-endpoint';
import { zeekConnState, type ConnState } from './zeek-state';

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
  | 'retransmission' // bytes shown before, sent again
  | 'out_of_order' // bytes not shown before, arriving soon after later ones (a hole filled)
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
  /** What the segment's checks found, as codes and numbers (inspect words them); in the order made. */
  checks: readonly LadderCheck[];
}

const NO_ADDRESS = new Uint8Array(0);

/** Shared by the connections without anomalies: frozen, `count` gives a connection its own. */
export const NO_ANOMALIES: Partial<Record<AnomalyCode, number>> = Object.freeze({});

/** Everything the tracker knows about one TCP connection. Plain data; the tracker mutates it. */
export class Connection {
  // Identity, first and as plain fields: a lookup compares these, and a connection idle
  // for seconds is out of the CPU's caches, where each array followed costs a miss.
  // (Set by `identify`, from the constructor and `reuse`.)
  id = 0;
  ipVersion: 4 | 6 = 4;
  clientPort = 0;
  serverPort = 0;
  /** IPv4 addresses as 32-bit integers, the lookup's keys (0 for IPv6: compare the bytes). */
  clientIp4 = 0;
  serverIp4 = 0;
  /** Address bytes (copied once, at creation; the tracker shares IPv4 ones). */
  clientAddr: Uint8Array = NO_ADDRESS;
  serverAddr: Uint8Array = NO_ADDRESS;
  hash = 0;
  /** Tracker bookkeeping: the hash-bucket chain (intrusive, no allocation). */
  bucketNext: Connection | null = null;
  roleSource: RoleSource = 'first-packet';

  // Time
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;

  /** Per-side counters and sequence space: the client's and the server's (no array between: one object fewer to reach). */
  readonly ep0 = new TcpEndpoint();
  readonly ep1 = new TcpEndpoint();

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

  // Zeek view (the endpoint states are in ep0 and ep1)
  readonly zeekHistory = new ZeekHistory();

  // TLS (see tls/tls-feed.ts): the session and, while it needs bytes, per-side reassembly
  tls: TlsSession | null = null;
  /** Null while both sides' bytes arrive in order (straight to the session); made at the first segment out of order, a SYN with data or a second ISN. */
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

  /** Counts per anomaly; the shared empty NO_ANOMALIES until the first (most connections have none). */
  anomalies: Partial<Record<AnomalyCode, number>> = NO_ANOMALIES;
  ladder: LadderStep[] | null = null;
  ladderDropped = 0;

  // Tracker bookkeeping: the LRU list (intrusive, no allocation), the order it was put
  // there in (ties in time break by it), and what the memory budget charges it.
  lruPrev: Connection | null = null;
  lruNext: Connection | null = null;
  lruOrder = 0;
  heldBytes = 0;
  /** In the tracker's list of connection attempts (pure SYNs from the client, nothing else yet), oldest first. */
  inAttempts = false;
  attemptPrev: Connection | null = null;
  attemptNext: Connection | null = null;
  /** In the tracker's list of connections holding out-of-order bytes (intrusive: nothing retained once ended). */
  holdsOutOfOrder = false;
  oooPrev: Connection | null = null;
  oooNext: Connection | null = null;

  constructor(id: number, ipVersion: 4 | 6, client: Uint8Array, clientPort: number, server: Uint8Array, serverPort: number, hash: number) {
    this.identify(id, ipVersion, client, clientPort, server, serverPort, hash);
  }

  private identify(id: number, ipVersion: 4 | 6, client: Uint8Array, clientPort: number, server: Uint8Array, serverPort: number, hash: number): void {
    this.id = id;
    this.ipVersion = ipVersion;
    this.clientPort = clientPort;
    this.serverPort = serverPort;
    this.clientIp4 = ipv4Key(ipVersion, client);
    this.serverIp4 = ipv4Key(ipVersion, server);
    this.clientAddr = client;
    this.serverAddr = server;
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
    this.identify(id, ipVersion, client, clientPort, server, serverPort, hash);
    this.roleSource = 'first-packet';
    this.firstSec = this.firstNsec = this.lastSec = this.lastNsec = 0;
    this.ep0.reset();
    this.ep1.reset();
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
    this.zeekHistory.reset();
    this.tls = null;
    this.reassembly = null;
    this.tlsStart0 = this.tlsStart1 = -1;
    this.tlsDone = false;
    this.tlsSummary = undefined;
    this.anomalies = NO_ANOMALIES;
    this.ladder = null;
    this.ladderDropped = 0;
    this.bucketNext = this.lruPrev = this.lruNext = null;
    this.lruOrder = this.heldBytes = 0;
    this.holdsOutOfOrder = this.inAttempts = false;
    this.oooPrev = this.oooNext = this.attemptPrev = this.attemptNext = null;
  }

  /** A side's counters and sequence space. */
  endpoint(side: Side): TcpEndpoint {
    return side === CLIENT ? this.ep0 : this.ep1;
  }

  /** A side's address bytes. */
  addrOf(side: Side): Uint8Array {
    return side === CLIENT ? this.clientAddr : this.serverAddr;
  }

  portOf(side: Side): number {
    return side === CLIENT ? this.clientPort : this.serverPort;
  }

  get finished(): boolean {
    return this.ep0.rstCount + this.ep1.rstCount > 0 || (this.ep0.finAcked && this.ep1.finAcked);
  }

  get closeKind(): CloseKind {
    const fins = (this.ep0.finCount > 0 ? 1 : 0) + (this.ep1.finCount > 0 ? 1 : 0);
    if (this.firstRstSide !== -1) return fins > 0 && this.resetPhase === 'closing' ? 'rst-after-fin' : 'rst';
    if (fins === 2) return this.mergedFinAck ? 'fin-merged' : 'fin';
    if (fins === 1) return 'half-closed';
    return 'open';
  }

  get history(): string {
    return this.zeekHistory.text;
  }

  get connState(): ConnState {
    return zeekConnState(this.ep0, this.ep1, this.history, this.zeekSize(CLIENT), this.zeekSize(SERVER));
  }

  /** TCP_Endpoint::Size(): bytes in sequence space, less the SYN and FIN octets. */
  zeekSize(side: Side): number {
    const ep = this.endpoint(side);
    if (!ep.hasBase) return 0;
    let end = ep.hasSeqEnd ? ep.seqEnd : ep.base;
    if (ep.hasAcked && ((ep.ackedUpTo - end) | 0) > 0) end = ep.ackedUpTo;
    let size = (end - ep.base) >>> 0;
    if (size > 0) size--;
    if (ep.finCount > 0 && size > 0) size--;
    return size;
  }

  count(code: AnomalyCode): void {
    if (this.anomalies === NO_ANOMALIES) this.anomalies = {};
    this.anomalies[code] = (this.anomalies[code] ?? 0) + 1;
  }
}

/** An IPv4 address as a 32-bit integer (a lookup key), 0 for IPv6. */
export function ipv4Key(ipVersion: 4 | 6, a: Uint8Array, o = 0): number {
  return ipVersion === 4 ? (a[o] << 24) | (a[o + 1] << 16) | (a[o + 2] << 8) | a[o + 3] : 0;
}
