import { copyBytes } from '../bytes';
import { nsBetween } from '../time';
import { newDecodedPacket, type DecodedPacket } from '../decoded-packet';
import { TcpFlag } from '../transport/tcp-flags';
import { CLIENT, Connection, SERVER, ipv4Key, type EndReason, type Side } from './connection';
import { sameBytes, tupleHash } from './endpoint-key';
import { HalfOpenTable, HALF_OPEN_ENTRY_BYTES } from './half-open-table';
import { isLikelyServerPort } from './likely-server-ports';
import { CONNECTION_BYTES, DEFAULT_MEMORY_BUDGET_BYTES, EVICTED_ENTRY_BYTES, LADDER_STEP_BYTES } from './memory-costs';
import { recordSegment } from './segment-analysis';
import type { StreamHook } from './stream-hook';
import { AS_STORED, TupleTable } from './tuple-table';

/** Slots of the interned IPv4 address table (a power of two; see `address`). */
const INTERNED_SLOTS = 1024;

export interface ConnTrackerOptions {
  /** Most connections tracked at once; the least recently seen is evicted past it. */
  maxConnections?: number;
  /**
   * Bytes all connection and reassembly state may take (by the tracker's accounting, see
   * memory-costs.ts); past it, state is shed: out-of-order bytes first, then the least
   * recently seen connections. Half-open connections (one SYN) hold at most a quarter of
   * it, remembered evicted tuples a sixteenth. Default 256 MiB.
   */
  memoryBudgetBytes?: number;
  /**
   * Tracked connections from which a new connection's first SYN is kept compact
   * (HalfOpenTable); default 10,000, or fewer when a quarter of the budget's state share
   * holds fewer Connections. Below it every connection is a Connection from its SYN: the
   * table's round trip (kept, then made a Connection by replaying its SYNs at the SYN-ACK)
   * costs a normal connection a few microseconds, worth it only when SYNs are many (a
   * flood passes it at once). Events are the same either way (conn-tracker-budget.spec.ts).
   */
  compactSynsFrom?: number;
  /** Capture-time seconds without packets before a connection is ended. */
  idleTimeoutSeconds?: number;
  /**
   * Shorter idle timeout for a connection attempt, nothing but the client's SYN (sent
   * again or not) so far: 130 s (DEFAULT_SYN_TIMEOUT_SECONDS), so an unanswered SYN (Zeek's
   * S0) is counted minutes after it, not an hour. Longer than any gap between a client's
   * SYN retransmissions (Linux doubles its wait from 1 s up to 120 s), so they all land on
   * the attempt. At or above the idle timeout: attempts end like any other connection.
   */
  synTimeoutSeconds?: number;
  /**
   * Shorter idle timeout once a connection finished (both FINs acked, or a RST): 5 s,
   * Zeek's tcp_close_delay and tcp_reset_delay. Late segments (a retransmitted FIN, a
   * second RST) still land on the connection; holding finished connections longer only
   * costs memory on a busy host (2,000 new connections a second held 120 s is 240,000).
   */
  closedTimeoutSeconds?: number;
  /** Keep a per-packet ladder for each connection (for `inspect --format text`). */
  recordLadder?: boolean;
  /** Cap on ladder steps kept per connection; the rest are counted. */
  maxLadderSteps?: number;
  /**
   * What analyses each connection's byte streams beyond TCP, and what its state costs:
   * TLS (tls/tls-streams.ts, which CaptureAnalyzer and the agent give). None by default.
   */
  streams?: StreamHook | null;
  /**
   * Called once when a connection's three-way handshake completes, and once when its TLS
   * session has what it needs (handshake over, failed, or no TLS): a live agent reports
   * handshakes as they happen, not when a long-lived connection finally ends.
   */
  onHandshake?: (c: Connection) => void;
  onTlsDone?: (c: Connection) => void;
  /**
   * Called once per connection when segments without SYN, FIN or RST have nothing left to
   * tell it (see `learned`): a live capture may then stop handing those over (libs/pcap's
   * bypass). Never after a FIN or RST: the teardown's ACKs still count.
   */
  onLearned?: (c: Connection) => void;
  /**
   * Reuse ended Connection objects for new connections. Only for callers that keep no
   * reference to a connection after `onEnd` returns (inspect's printers, the agent).
   */
  reuseConnections?: boolean;
}

/** The least forward jump of capture time one packet alone is not believed for (see `trustTime`): a day. */
const SUSPECT_JUMP_NS = 86_400e9;

/** Connections an out-of-order packet walks back past at most in its LRU list. */
const MAX_LRU_WALK = 64;

/** The connection was last seen after `sec/nsec`. */
function later(c: Connection, sec: number, nsec: number): boolean {
  return c.lastSec > sec || (c.lastSec === sec && c.lastNsec > nsec);
}

/** Hash chains to start with (a small capture never grows them). */
const MIN_BUCKETS = 1024;

/** The chain of a tuple hash (its low bits mixed first: the hash itself is always even). */
function slot(hash: number, size: number): number {
  return (hash ^ (hash >>> 15) ^ (hash >>> 26)) & (size - 1);
}

/**
 * The share of the memory budget the accounting lets state take: a garbage-collected heap
 * holding N bytes live keeps about 2N committed between its full collections, and the
 * runtime needs the rest (measured with the attacks in bench/README.md: with half, the
 * out-of-order flood peaked at 361 MiB on the default 256 MiB budget; with 0.4, ~275).
 */
const STATE_SHARE = 0.4;

/** Tracked connections from which a new connection's first SYN is kept compact, by default (see `compactSynsFrom`). */
const COMPACT_FROM = 10_000;
/** ConnTrackerOptions.synTimeoutSeconds by default: past Linux's longest wait between SYN retransmissions (TCP_RTO_MAX, 120 s). */
export const DEFAULT_SYN_TIMEOUT_SECONDS = 130;

/** Ended connections kept for reuse at most. */
const POOL_CAP = 4096;

export interface ConnTrackerStats {
  packets: number;
  connectionsCreated: number;
  connectionsEnded: number;
  active: number;
  evicted: number;
  idleExpired: number;
  portReuses: number;
  /** Packets far ahead of the clock not (yet) confirmed by the next one, so ending no idle connection. */
  timeJumpsHeld: number;
  /** Connections that are one SYN so far, kept compact (HalfOpenTable); part of `active`. */
  halfOpen: number;
  /** Bytes of connection and reassembly state by the tracker's accounting (memory-costs.ts). */
  memoryBytes: number;
  /** Half-open connections ended because their share of the budget was full (also in `evicted`). */
  shedHalfOpen: number;
  /** Connections ended because the memory budget was reached (not in `evicted`). */
  shedConnections: number;
  /** Times out-of-order bytes held for reassembly were given up for the budget, and how many bytes. */
  shedOutOfOrder: number;
  shedOutOfOrderBytes: number;
  /** Later segments of evicted connections, counted and otherwise ignored (no new connection each). */
  evictedSegments: number;
}

/**
 * The table of TCP connections keyed by 4-tuple. Lookups hash the tuple in place
 * (no key strings); intrusive LRU lists give O(1) idle expiry and eviction: one for
 * open connections, one for finished ones (both FINs acked, or a RST), so a long-lived
 * open connection at the head never holds back the finished ones behind it.
 * Ended connections go to `onEnd` exactly once.
 */
export class ConnTracker {
  readonly stats: ConnTrackerStats = {
    packets: 0, connectionsCreated: 0, connectionsEnded: 0, active: 0, evicted: 0, idleExpired: 0, portReuses: 0, timeJumpsHeld: 0,
    halfOpen: 0, memoryBytes: 0, shedHalfOpen: 0, shedConnections: 0, shedOutOfOrder: 0, shedOutOfOrderBytes: 0, evictedSegments: 0,
  };
  /**
   * Hash chains in a power-of-two array (an array index per packet, not a Map lookup),
   * grown to keep about one connection per slot.
   */
  private buckets: (Connection | null)[] = new Array<Connection | null>(MIN_BUCKETS).fill(null);
  /** IPv4 addresses shared by the connections that have them, by slot, and the keys (see `address`). */
  private readonly internedBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(INTERNED_SLOTS).fill(undefined);
  private readonly internedKey = new Int32Array(INTERNED_SLOTS);
  // Each list runs from least to most recently seen; a connection is in exactly one.
  private openHead: Connection | null = null;
  private openTail: Connection | null = null;
  private closedHead: Connection | null = null;
  private closedTail: Connection | null = null;
  private nextId = 0;
  private lookupSide: Side = CLIENT;
  private readonly maxConnections: number;
  private readonly idleTimeoutNs: number;
  private readonly closedTimeoutNs: number;
  /** 0: attempts end at the idle timeout like the rest (not listed apart). */
  private readonly synTimeoutNs: number;
  /** Connection attempts (Connection.inAttempts), least recently seen first. */
  private attemptsHead: Connection | null = null;
  private attemptsTail: Connection | null = null;
  private readonly recordLadder: boolean;
  private readonly maxLadderSteps: number;
  private readonly streams: StreamHook | null;
  private readonly onHandshake: ((c: Connection) => void) | undefined;
  private readonly pool: Connection[] | null;
  private readonly onTlsDone: ((c: Connection) => void) | undefined;
  private readonly onLearned: ((c: Connection) => void) | undefined;
  /** The latest time trusted so far (capture time; -1: none yet). See `trustTime`. */
  private clockSec = -1;
  private clockNsec = 0;
  /** A packet's time far ahead of the clock, waiting for the next packet to confirm it (-1: none). */
  private jumpSec = -1;
  private jumpNsec = 0;
  private readonly jumpNs: number;
  /** Connections that are one SYN so far (not Connections until more arrives: see HalfOpenTable). */
  private readonly halfOpen: HalfOpenTable | null;
  /** Tuples of evicted connections: their later segments are counted, not made new connections. */
  private readonly evictedTuples: TupleTable;
  /** Connections holding out-of-order bytes, oldest first (intrusive list): the budget takes those bytes back first. */
  private oooHead: Connection | null = null;
  private oooTail: Connection | null = null;
  /** What the connections hold by the accounting (each one's `heldBytes`). */
  private heldByConnections = 0;
  private readonly memoryBudget: number;
  /** What the accounting lets state reach: STATE_SHARE of the budget, the rest is the garbage collector's room and the runtime's. */
  private readonly stateLimit: number;
  private readonly compactFrom: number;
  /** The order of list insertions (ties in time between the lists break by it). */
  private order = 0;
  /** What flushSome has left to end, and how far it got. */
  private flushQueue: (Connection | number)[] | null = null;
  private flushNext = 0;
  /** A packet rebuilt from a half-open entry, to replay its SYNs (addresses at 0 and 16). */
  private readonly replay = newDecodedPacket();

  constructor(private readonly onEnd: (c: Connection) => void, options: ConnTrackerOptions = {}) {
    this.maxConnections = options.maxConnections ?? 1_000_000;
    this.idleTimeoutNs = (options.idleTimeoutSeconds ?? 3600) * 1e9;
    this.closedTimeoutNs = (options.closedTimeoutSeconds ?? 5) * 1e9;
    const synTimeoutNs = Math.max((options.synTimeoutSeconds ?? DEFAULT_SYN_TIMEOUT_SECONDS) * 1e9, this.closedTimeoutNs);
    this.synTimeoutNs = synTimeoutNs < this.idleTimeoutNs ? synTimeoutNs : 0;
    this.recordLadder = options.recordLadder ?? false;
    this.maxLadderSteps = options.maxLadderSteps ?? 10_000;
    this.streams = options.streams ?? null;
    this.onHandshake = options.onHandshake;
    this.pool = options.reuseConnections ? [] : null;
    this.onTlsDone = options.onTlsDone;
    this.onLearned = options.onLearned;
    this.jumpNs = Math.max(this.idleTimeoutNs, SUSPECT_JUMP_NS);
    this.memoryBudget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
    this.stateLimit = Math.floor(this.memoryBudget * STATE_SHARE);
    this.compactFrom = Math.min(options.compactSynsFrom ?? COMPACT_FROM, Math.floor(this.stateLimit / 4 / CONNECTION_BYTES));
    // A ladder wants each SYN's own step: with one, every connection is a Connection.
    this.halfOpen = this.recordLadder ? null : new HalfOpenTable(Math.min(this.maxConnections, Math.max(1024, Math.floor(this.memoryBudget / 4 / HALF_OPEN_ENTRY_BYTES))));
    this.evictedTuples = new TupleTable(Math.max(1024, Math.floor(this.memoryBudget / 16 / EVICTED_ENTRY_BYTES)));
    this.replay.data = new Uint8Array(32);
    this.replay.dstOffset = 16;
  }

  /** Account one decoded TCP segment. */
  packet(p: DecodedPacket): void {
    this.stats.packets++;
    // A jump not yet believed ends nothing; the packet itself keeps its time (if the next
    // one confirms it, its connection must not look idle since the old time).
    if (this.trustTime(p.tsSec, p.tsNsec)) this.expire(p.tsSec, p.tsNsec);
    const hash = tupleHash(p);
    let conn = this.lookup(hash, p);
    let side: Side = this.lookupSide;
    /** Made by this packet (new, or from a half-open entry's SYNs): an attempt if this is the client's SYN too. */
    let fresh = false;
    const ho = this.halfOpen;
    if (conn === null && ho !== null && ho.count > 0) {
      const i = ho.find(hash, p);
      if (i >= 0) {
        if (ho.isSameSyn(i, p)) {
          ho.again(i, p, this.order++);
          return;
        }
        side = ho.matched === AS_STORED ? CLIENT : SERVER;
        conn = this.materialize(i);
        fresh = true;
      }
    }
    // Wireshark's rule for a new stream on the same ports: a pure SYN whose sequence
    // number differs from the first one seen in that direction.
    if (conn !== null && (p.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && conn.endpoint(side).hasBase && p.seq !== conn.endpoint(side).base) {
      this.stats.portReuses++;
      this.end(conn, 'port-reused');
      conn = null;
    }
    if (conn === null) {
      if (this.evictedTuples.count > 0 && this.afterEviction(hash, p)) return;
      if (ho !== null && this.stats.active >= this.compactFrom && HalfOpenTable.holds(p)) {
        this.addHalfOpen(ho, hash, p);
        return;
      }
      conn = this.create(hash, p);
      side = this.isFromClient(conn, p) ? CLIENT : SERVER;
      fresh = true;
    } else {
      this.lruRemove(conn);
    }
    const wasFinished = conn.finished;
    this.lruInsert(conn, wasFinished, p.tsSec, p.tsNsec);
    const handshakeWasDone = conn.handshakeDone;
    const tlsWasDone = conn.tlsDone;
    const wasLearned = this.onLearned !== undefined && this.learned(conn);
    recordSegment(conn, side, p, this.recordLadder ? this.maxLadderSteps : 0);
    this.streams?.segment(conn, side, p);
    if (this.synTimeoutNs > 0 && (conn.inAttempts || fresh)) {
      // The client's SYN (again) keeps it an attempt, seen now: to the end of the list; anything else ends that.
      if (conn.inAttempts) this.setAttempt(conn, false);
      if (side === CLIENT && HalfOpenTable.holds(p)) this.setAttempt(conn, true);
    }
    if (conn.handshakeDone && !handshakeWasDone) this.onHandshake?.(conn);
    if (conn.tlsDone && !tlsWasDone) this.onTlsDone?.(conn);
    if (this.onLearned !== undefined && !wasLearned && this.learned(conn)) this.onLearned(conn);
    if (!wasFinished && conn.finished) {
      this.lruRemove(conn);
      this.lruInsert(conn, true, p.tsSec, p.tsNsec);
    }
    this.account(conn);
    if (this.memoryUsed() > this.stateLimit) this.shed();
  }

  /**
   * Nothing left for a segment without SYN, FIN or RST to tell: the handshake timed (or no
   * pure SYN seen, so only a SYN could start its timing), the TLS outcome known or the
   * stream not TLS, data seen each way, and no FIN or RST yet. It stays true until a FIN
   * or RST, so a connection passes from false to true once.
   */
  private learned(c: Connection): boolean {
    const e0 = c.ep0;
    const e1 = c.ep1;
    return (c.handshakeDone || c.mruSynSide === -1) && (c.tlsDone || this.streams === null) && e0.payloadBytes > 0 && e1.payloadBytes > 0 && e0.finCount + e1.finCount + e0.rstCount + e1.rstCount === 0;
  }

  /** What the tracked Connections hold by the accounting (0 once all ended). */
  get connectionBytes(): number {
    return this.heldByConnections;
  }

  /** Bytes of all connection state by the accounting (memory-costs.ts). */
  memoryUsed(): number {
    const n = this.heldByConnections + (this.streams?.sharedBytes ?? 0) + (this.pool?.length ?? 0) * CONNECTION_BYTES + this.buckets.length * 8 + (this.halfOpen?.bytes ?? 0) + this.evictedTuples.bytes;
    this.stats.memoryBytes = n;
    return n;
  }

  /** A connection's cost by the accounting, brought up to date, and its place in the out-of-order set. */
  private account(c: Connection): void {
    let held = CONNECTION_BYTES;
    if (c.ladder !== null) held += c.ladder.length * LADDER_STEP_BYTES;
    if (this.streams !== null) held += this.streams.heldBytes(c);
    this.heldByConnections += held - c.heldBytes;
    c.heldBytes = held;
    const ooo = this.streams !== null && this.streams.holdsOutOfOrder(c);
    if (ooo !== c.holdsOutOfOrder) this.setHoldsOutOfOrder(c, ooo);
  }

  /** Into (at the tail) or out of the list of connections holding out-of-order bytes. */
  private setHoldsOutOfOrder(c: Connection, holds: boolean): void {
    c.holdsOutOfOrder = holds;
    if (holds) {
      c.oooPrev = this.oooTail;
      c.oooNext = null;
      if (this.oooTail !== null) this.oooTail.oooNext = c;
      else this.oooHead = c;
      this.oooTail = c;
      return;
    }
    if (c.oooPrev !== null) c.oooPrev.oooNext = c.oooNext;
    else this.oooHead = c.oooNext;
    if (c.oooNext !== null) c.oooNext.oooPrev = c.oooPrev;
    else this.oooTail = c.oooPrev;
    c.oooPrev = c.oooNext = null;
  }

  /** Into the list of connection attempts, at the place of its latest packet's time (as lruInsert), or out of it. */
  private setAttempt(c: Connection, attempt: boolean): void {
    c.inAttempts = attempt;
    if (attempt) {
      const sec = c.lastSec;
      const nsec = c.lastNsec;
      let prev = this.attemptsTail;
      if (this.attemptsHead !== null && later(this.attemptsHead, sec, nsec)) prev = null;
      for (let steps = 0; prev !== null && later(prev, sec, nsec) && steps < MAX_LRU_WALK; steps++) prev = prev.attemptPrev;
      const next = prev === null ? this.attemptsHead : prev.attemptNext;
      c.attemptPrev = prev;
      c.attemptNext = next;
      if (prev !== null) prev.attemptNext = c;
      else this.attemptsHead = c;
      if (next !== null) next.attemptPrev = c;
      else this.attemptsTail = c;
      return;
    }
    if (c.attemptPrev !== null) c.attemptPrev.attemptNext = c.attemptNext;
    else this.attemptsHead = c.attemptNext;
    if (c.attemptNext !== null) c.attemptNext.attemptPrev = c.attemptPrev;
    else this.attemptsTail = c.attemptPrev;
    c.attemptPrev = c.attemptNext = null;
  }

  /**
   * Over the memory budget: let state go until under it. Out-of-order bytes first (the
   * connection that has held them longest: its holes become gaps), then whole connections,
   * least recently seen first (they are remembered as evicted). Half-open connections do
   * not take from the rest: they have their own share (addHalfOpen).
   */
  private shed(): void {
    if (this.pool !== null) this.pool.length = 0;
    while (this.memoryUsed() > this.stateLimit) {
      const c = this.oooHead;
      if (c !== null) {
        const tlsWasDone = c.tlsDone;
        this.stats.shedOutOfOrder++;
        this.stats.shedOutOfOrderBytes += (this.streams as StreamHook).shedOutOfOrder(c);
        this.account(c);
        if (c.tlsDone && !tlsWasDone) this.onTlsDone?.(c);
        continue;
      }
      if (this.dropSpareSlabs()) continue;
      const victim = this.leastRecentConnection();
      if (victim === null) break;
      this.stats.shedConnections++;
      this.remember(victim);
      this.end(victim, 'evicted');
    }
  }

  /**
   * Empty reassembly slabs kept for later go only once no out-of-order bytes are left to
   * shed: under a flood of holes the budget is at its line all the time, and a slab let go
   * at every shed came back at the next held segment as fresh pages from the kernel.
   * True when some went.
   */
  private dropSpareSlabs(): boolean {
    if (this.streams === null) return false;
    const before = this.streams.sharedBytes;
    this.streams.dropSpares();
    return this.streams.sharedBytes < before;
  }

  /**
   * A packet of no tracked connection, on the tuple of an evicted one: counted and dropped
   * (true), so an evicted connection's later segments do not each open a new one that is
   * evicted in turn. A SYN starts a connection again (false).
   */
  private afterEviction(hash: number, p: DecodedPacket): boolean {
    const i = this.evictedTuples.find(hash, p);
    if (i < 0) return false;
    if (p.flags & TcpFlag.SYN) {
      this.evictedTuples.remove(i);
      return false;
    }
    this.evictedTuples.touch(i, p.tsSec, p.tsNsec, 0);
    this.stats.evictedSegments++;
    return true;
  }

  /**
   * An evicted connection's tuple, so its later segments are told apart (afterEviction).
   * Not for a connection that is SYNs only: its SYN-ACK, if one comes, is a connection
   * worth seeing (a flood evicting a real client's SYN must not hide that client).
   */
  private remember(c: Connection): void {
    if (c.ep1.packets === 0 && c.history === 'S') return;
    const t = this.evictedTuples;
    if (t.full) t.remove(t.head);
    const q = this.replay;
    this.tupleInto(q, c.ipVersion, c.clientAddr, c.clientPort, c.serverAddr, c.serverPort);
    if (t.find(c.hash, q) < 0) t.insert(c.hash, q, c.lastSec, c.lastNsec, 0);
  }

  /** Writes a tuple into `q` (the replay packet): addresses at 0 and 16. */
  private tupleInto(q: DecodedPacket, ipVersion: 4 | 6, src: Uint8Array, srcPort: number, dst: Uint8Array, dstPort: number): void {
    q.ipVersion = ipVersion;
    q.data.set(src, 0);
    q.data.set(dst, 16);
    q.srcPort = srcPort;
    q.dstPort = dstPort;
  }

  /** A pure SYN of a new tuple, kept compact. Its share of the budget full: the oldest half-open connection ends. */
  private addHalfOpen(ho: HalfOpenTable, hash: number, p: DecodedPacket): void {
    this.makeRoom();
    if (ho.full) {
      this.stats.evicted++;
      this.stats.shedHalfOpen++;
      this.end(this.materialize(ho.head), 'evicted');
    }
    ho.add(hash, p, this.order++, this.nextId++);
    this.stats.connectionsCreated++;
    this.stats.active++;
    this.stats.halfOpen = ho.count;
  }

  /**
   * The Connection of a half-open entry, made as the SYNs had made it: the same id, the
   * first SYN at its time, the retransmissions at the last one's (only the last SYN's time
   * is kept by a connection). Out of the table, in the hash chains, in no list yet.
   */
  private materialize(i: number): Connection {
    const ho = this.halfOpen as HalfOpenTable;
    const q = this.replay;
    q.ipVersion = ho.addresses(i, q.data);
    q.srcPort = ho.srcPort(i);
    q.dstPort = ho.dstPort(i);
    q.flags = ho.flags[i];
    q.seq = ho.seq[i];
    q.tsSec = ho.firstSec[i];
    q.tsNsec = ho.firstNsec[i];
    const c = this.newConnection(ho.tupleHash(i), q, ho.id[i]);
    let bad = ho.badOptions[i] - ho.firstBad[i];
    for (let k = 0; k < ho.syns[i]; k++) {
      q.tsSec = k === 0 ? ho.firstSec[i] : ho.lastSec[i];
      q.tsNsec = k === 0 ? ho.firstNsec[i] : ho.lastNsec[i];
      q.options.malformed = k === 0 ? ho.firstBad[i] === 1 : bad-- > 0;
      recordSegment(c, CLIENT, q, 0);
      this.streams?.segment(c, CLIENT, q);
    }
    ho.remove(i);
    this.stats.halfOpen = ho.count;
    this.account(c);
    return c;
  }

  /**
   * Let time pass without a packet (a live capture's clock while the link is quiet):
   * connections idle past their timeout at `sec/nsec` end now, not at the next packet.
   */
  advanceTo(sec: number, nsec: number): void {
    // The caller's clock (the host's), not the wire's: trusted as it is.
    if (this.clockSec < 0 || nsBetween(this.clockSec, this.clockNsec, sec, nsec) > 0) this.setClock(sec, nsec);
    this.expire(sec, nsec);
  }

  /**
   * Whether a packet's time may move the clock (and so end idle connections). One packet
   * alone far ahead of every time seen (more than the idle timeout, and at least a day:
   * SUSPECT_JUMP_NS) is not believed: a damaged or mis-stamped frame must not end every
   * open connection as idle. The very next packet confirms the jump if it is within that
   * same span of the held time (a capture paused for days, files joined); otherwise the
   * held time is forgotten. Times behind the clock are taken as they are (out-of-order
   * stamps, joined files) and never move it back.
   */
  private trustTime(sec: number, nsec: number): boolean {
    if (this.clockSec < 0) {
      this.setClock(sec, nsec);
      return true;
    }
    const ahead = nsBetween(this.clockSec, this.clockNsec, sec, nsec);
    if (ahead <= this.jumpNs) {
      if (ahead > 0) this.setClock(sec, nsec);
      this.jumpSec = -1;
      return true;
    }
    if (this.jumpSec >= 0 && Math.abs(nsBetween(this.jumpSec, this.jumpNsec, sec, nsec)) <= this.jumpNs) {
      this.setClock(sec, nsec);
      this.jumpSec = -1;
      return true;
    }
    this.jumpSec = sec;
    this.jumpNsec = nsec;
    this.stats.timeJumpsHeld++;
    return false;
  }

  private setClock(sec: number, nsec: number): void {
    this.clockSec = sec;
    this.clockNsec = nsec;
  }

  /** End every tracked connection (end of capture), oldest first. */
  flush(reason: EndReason = 'capture-end'): void {
    while (!this.flushSome(Infinity, reason));
  }

  /**
   * End at most `max` of the tracked connections, oldest first; true once none is left.
   * A caller that writes each ended connection out can let its output drain between
   * steps (a million connections open at the end of a capture are a million events).
   * No packet may come between the steps.
   */
  flushSome(max: number, reason: EndReason = 'capture-end'): boolean {
    const q = (this.flushQueue ??= this.flushOrder());
    for (let n = 0; n < max && this.flushNext < q.length; n++) {
      const next = q[this.flushNext++];
      this.end(typeof next === 'number' ? this.materialize(next) : next, reason);
    }
    if (this.flushNext < q.length) return false;
    this.flushQueue = null;
    this.flushNext = 0;
    return true;
  }

  /** Every connection and half-open entry (by slot), by id: the order they were first seen. */
  private flushOrder(): (Connection | number)[] {
    const all: Connection[] = [];
    for (let c = this.openHead; c !== null; c = c.lruNext) all.push(c);
    for (let c = this.closedHead; c !== null; c = c.lruNext) all.push(c);
    all.sort((a, b) => a.id - b.id);
    const ho = this.halfOpen;
    if (ho === null || ho.count === 0) return all;
    const half: number[] = [];
    for (let i = ho.head; i >= 0; i = ho.nextOf(i)) half.push(i);
    half.sort((a, b) => ho.id[a] - ho.id[b]);
    const out: (Connection | number)[] = [];
    let h = 0;
    for (const c of all) {
      for (; h < half.length && ho.id[half[h]] < c.id; h++) out.push(half[h]);
      out.push(c);
    }
    for (; h < half.length; h++) out.push(half[h]);
    return out;
  }

  private isFromClient(c: Connection, p: DecodedPacket): boolean {
    return p.srcPort === c.clientPort && p.dstPort === c.serverPort && sameBytes(c.clientAddr, p.data, p.srcOffset) && sameBytes(c.serverAddr, p.data, p.dstOffset);
  }

  /**
   * The connection of this packet, or null; `lookupSide` tells which side sent it. Only
   * the connections' own fields are compared (IPv4 addresses as integers): a connection
   * in the chain may have been idle for seconds, out of the CPU's caches.
   */
  private lookup(hash: number, p: DecodedPacket): Connection | null {
    const src = ipv4Key(p.ipVersion, p.data, p.srcOffset);
    const dst = ipv4Key(p.ipVersion, p.data, p.dstOffset);
    const v4 = p.ipVersion === 4;
    for (let c = this.buckets[slot(hash, this.buckets.length)]; c !== null; c = c.bucketNext) {
      if (c.ipVersion !== p.ipVersion) continue;
      if (p.srcPort === c.clientPort && p.dstPort === c.serverPort && src === c.clientIp4 && dst === c.serverIp4 && (v4 || (sameBytes(c.clientAddr, p.data, p.srcOffset) && sameBytes(c.serverAddr, p.data, p.dstOffset)))) {
        this.lookupSide = CLIENT;
        return c;
      }
      if (p.srcPort === c.serverPort && p.dstPort === c.clientPort && src === c.serverIp4 && dst === c.clientIp4 && (v4 || (sameBytes(c.serverAddr, p.data, p.srcOffset) && sameBytes(c.clientAddr, p.data, p.dstOffset)))) {
        this.lookupSide = SERVER;
        return c;
      }
    }
    this.lookupSide = SERVER;
    return null;
  }

  private create(hash: number, p: DecodedPacket): Connection {
    this.makeRoom();
    const c = this.newConnection(hash, p, this.nextId++);
    this.stats.connectionsCreated++;
    this.stats.active++;
    return c;
  }

  /**
   * At the connection cap: the least recently seen connection ends. Half-open entries and
   * open connections are one list to this rule, merged by time (then by list order).
   */
  private makeRoom(): void {
    if (this.stats.active < this.maxConnections) return;
    const ho = this.halfOpen;
    const h = ho === null ? -1 : ho.head;
    const o = this.openHead;
    const closed = this.closedHead;
    const half = h >= 0 && (o === null || this.halfOpenFirst(h, o));
    if (!half && o === null && closed === null) return;
    this.stats.evicted++;
    const openSec = half ? (ho as HalfOpenTable).lastSec[h] : (o as Connection | null)?.lastSec ?? 0;
    const openNsec = half ? (ho as HalfOpenTable).lastNsec[h] : (o as Connection | null)?.lastNsec ?? 0;
    if (closed !== null && ((!half && o === null) || nsBetween(openSec, openNsec, closed.lastSec, closed.lastNsec) <= 0)) {
      this.remember(closed);
      this.end(closed, 'evicted');
    } else if (half) {
      this.end(this.materialize(h), 'evicted');
    } else {
      this.remember(o as Connection);
      this.end(o as Connection, 'evicted');
    }
  }

  /** The half-open entry was seen before the open connection (time, then list order). */
  private halfOpenFirst(i: number, c: Connection): boolean {
    const ho = this.halfOpen as HalfOpenTable;
    const sec = ho.lastSec[i];
    const nsec = ho.lastNsec[i];
    if (sec !== c.lastSec) return sec < c.lastSec;
    if (nsec !== c.lastNsec) return nsec < c.lastNsec;
    return ho.order[i] < c.lruOrder;
  }

  /** A Connection for this packet's tuple, into the hash chains (counted by the caller). */
  private newConnection(hash: number, p: DecodedPacket, id: number): Connection {
    const len = p.ipVersion === 4 ? 4 : 16;
    const src = this.address(p.data, p.srcOffset, len);
    const dst = this.address(p.data, p.dstOffset, len);
    const syn = (p.flags & TcpFlag.SYN) !== 0;
    const ack = (p.flags & TcpFlag.ACK) !== 0;
    // The client is the sender of the SYN. Without one: a SYN-ACK names its receiver,
    // otherwise Zeek's guess (likely server ports), else the first packet's sender.
    let flip = false;
    let role: Connection['roleSource'] = 'syn';
    if (syn && !ack) role = 'syn';
    else if (syn && ack) {
      role = 'syn-ack';
      flip = true;
    } else {
      const srcServer = isLikelyServerPort(p.srcPort);
      const dstServer = isLikelyServerPort(p.dstPort);
      flip = (srcServer && !dstServer) || (srcServer && dstServer && p.srcPort < p.dstPort);
      role = srcServer || dstServer ? 'port-heuristic' : 'first-packet';
    }
    const client = flip ? dst : src;
    const server = flip ? src : dst;
    const clientPort = flip ? p.dstPort : p.srcPort;
    const serverPort = flip ? p.srcPort : p.dstPort;
    const reused = this.pool?.pop();
    const c = reused ?? new Connection(id, p.ipVersion, client, clientPort, server, serverPort, hash);
    if (reused) reused.reuse(id, p.ipVersion, client, clientPort, server, serverPort, hash);
    c.roleSource = role;
    if (flip) c.zeekHistory.flip();
    c.firstSec = p.tsSec;
    c.firstNsec = p.tsNsec;
    if (this.recordLadder) c.ladder = [];
    if (this.stats.active - this.stats.halfOpen >= this.buckets.length) this.rehash(this.buckets.length * 2);
    const i = slot(hash, this.buckets.length);
    c.bucketNext = this.buckets[i];
    this.buckets[i] = c;
    return c;
  }

  private end(c: Connection, reason: EndReason): void {
    // Unlink from its hash chain.
    const i = slot(c.hash, this.buckets.length);
    const head = this.buckets[i];
    if (head === c) {
      this.buckets[i] = c.bucketNext;
    } else {
      for (let prev = head; prev !== null; prev = prev.bucketNext) {
        if (prev.bucketNext === c) {
          prev.bucketNext = c.bucketNext;
          break;
        }
      }
    }
    c.bucketNext = null;
    this.lruRemove(c);
    if (c.inAttempts) this.setAttempt(c, false);
    this.streams?.release(c);
    c.endReason = reason;
    this.stats.active--;
    this.stats.connectionsEnded++;
    this.heldByConnections -= c.heldBytes;
    c.heldBytes = 0;
    if (c.holdsOutOfOrder) this.setHoldsOutOfOrder(c, false);
    this.onEnd(c);
    if (this.pool !== null && this.pool.length < POOL_CAP) {
      // What it held goes now, not when it is reused.
      c.tls = null;
      c.reassembly = null;
      c.tlsSummary = undefined;
      c.ladder = null;
      this.pool.push(c);
    }
  }

  /**
   * A connection's copy of an address. IPv4 addresses are interned: one host's own
   * address is in every one of its connections, and a small typed array costs about as
   * much as the rest of a short connection's bookkeeping. Connections never write to
   * their addresses. The intern table is direct-mapped and small (typed arrays, no Map: a
   * lookup is one slot, nothing allocated; an address takes its slot from the one before):
   * a flood's random sources, each seen once, leave it within a few thousand packets and
   * die young, instead of each being kept (and promoted by the collector).
   */
  private address(b: Uint8Array, o: number, len: number): Uint8Array {
    if (len !== 4) return copyBytes(b, o, o + len);
    const key = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    const i = (key ^ (key >>> 11) ^ (key >>> 21)) & (INTERNED_SLOTS - 1);
    const held = this.internedBytes[i];
    if (held !== undefined && this.internedKey[i] === key) return held;
    const a = copyBytes(b, o, o + 4);
    this.internedBytes[i] = a;
    this.internedKey[i] = key;
    return a;
  }

  /**
   * End connections idle past their timeout, by capture time: finished ones after the
   * closed timeout, connection attempts after the SYN timeout, open ones after the idle
   * timeout (and never before the closed one).
   */
  private expire(sec: number, nsec: number): void {
    for (let c = this.closedHead; c !== null; c = this.closedHead) {
      if (nsBetween(c.lastSec, c.lastNsec, sec, nsec) < this.closedTimeoutNs) break;
      this.stats.idleExpired++;
      this.end(c, 'idle');
    }
    if (this.synTimeoutNs > 0) this.endIdleWithHalfOpen(true, this.synTimeoutNs, sec, nsec);
    this.endIdleWithHalfOpen(false, Math.max(this.idleTimeoutNs, this.closedTimeoutNs), sec, nsec);
    const t = this.evictedTuples;
    while (t.head >= 0 && nsBetween(t.lastSec[t.head], t.lastNsec[t.head], sec, nsec) >= this.idleTimeoutNs) t.remove(t.head);
  }

  /**
   * End the connections of one list, open ones or connection attempts, together with the
   * half-open entries, as one list merged by time, while idle `timeoutNs` or longer.
   */
  private endIdleWithHalfOpen(attempts: boolean, timeoutNs: number, sec: number, nsec: number): void {
    const ho = this.halfOpen;
    for (;;) {
      const c = attempts ? this.attemptsHead : this.openHead;
      const h = ho === null ? -1 : ho.head;
      const half = h >= 0 && (c === null || this.halfOpenFirst(h, c));
      if (!half && c === null) break;
      const idle = half ? nsBetween((ho as HalfOpenTable).lastSec[h], (ho as HalfOpenTable).lastNsec[h], sec, nsec) : nsBetween((c as Connection).lastSec, (c as Connection).lastNsec, sec, nsec);
      if (idle < timeoutNs) break;
      this.stats.idleExpired++;
      this.end(half ? this.materialize(h) : (c as Connection), 'idle');
    }
  }

  /** The head of either list seen longest ago (the finished one on a tie). */
  private leastRecentConnection(): Connection | null {
    const o = this.openHead;
    const c = this.closedHead;
    if (o === null || c === null) return o ?? c;
    return nsBetween(o.lastSec, o.lastNsec, c.lastSec, c.lastNsec) > 0 ? o : c;
  }

  /** Every connection into a table of `size` chains (a power of two). */
  private rehash(size: number): void {
    const old = this.buckets;
    this.buckets = new Array<Connection | null>(size).fill(null);
    for (let head of old) {
      while (head !== null) {
        const next = head.bucketNext;
        const i = slot(head.hash, size);
        head.bucketNext = this.buckets[i];
        this.buckets[i] = head;
        head = next;
      }
    }
  }

  /**
   * Into its list at the place of its latest packet's time `sec/nsec`: the tail, unless
   * capture time ran backwards (packets stamped on different CPUs are out of order by a
   * microsecond or so), then a short walk back. Lists sorted by time make expiry exactly
   * "idle longer than the timeout": the list head is always the connection idle longest.
   * Older than the head goes to the head at once; a walk is capped (MAX_LRU_WALK), so a
   * capture whose time jumps back (two files joined) costs no scan of every connection per
   * packet: there the order is only nearly sorted, and expiry as good as list order.
   */
  private lruInsert(c: Connection, finished: boolean, sec: number, nsec: number): void {
    const head = finished ? this.closedHead : this.openHead;
    let prev = finished ? this.closedTail : this.openTail;
    if (head !== null && later(head, sec, nsec)) prev = null;
    for (let steps = 0; prev !== null && later(prev, sec, nsec) && steps < MAX_LRU_WALK; steps++) prev = prev.lruPrev;
    const next = prev === null ? head : prev.lruNext;
    c.lruPrev = prev;
    c.lruNext = next;
    c.lruOrder = this.order++;
    if (prev !== null) prev.lruNext = c;
    else if (finished) this.closedHead = c;
    else this.openHead = c;
    if (next !== null) next.lruPrev = c;
    else if (finished) this.closedTail = c;
    else this.openTail = c;
  }

  /** Unlink from whichever list holds it (a no-op for a connection in neither). */
  private lruRemove(c: Connection): void {
    if (c.lruPrev !== null) c.lruPrev.lruNext = c.lruNext;
    else if (this.openHead === c) this.openHead = c.lruNext;
    else if (this.closedHead === c) this.closedHead = c.lruNext;
    if (c.lruNext !== null) c.lruNext.lruPrev = c.lruPrev;
    else if (this.openTail === c) this.openTail = c.lruPrev;
    else if (this.closedTail === c) this.closedTail = c.lruPrev;
    c.lruPrev = null;
    c.lruNext = null;
  }
}
