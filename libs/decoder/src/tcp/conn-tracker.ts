import { nsBetween } from '../capture/raw-packet';
import type { DecodedPacket } from '../decoded-packet';
import { TcpFlag } from '../transport/tcp-flags';
import { CLIENT, Connection, SERVER, ipv4Key, type EndReason, type Side } from './connection';
import { sameBytes, tupleHash } from './endpoint-key';
import { isLikelyServerPort } from './likely-server-ports';
import { feedTls } from '../tls/tls-feed';
import { recordSegment } from './segment-analysis';

/** Cap on the interned IPv4 address table (about 250 bytes an entry). */
const MAX_INTERNED_ADDRESSES = 16384;

export interface ConnTrackerOptions {
  /** Most connections tracked at once; the least recently seen is evicted past it. */
  maxConnections?: number;
  /** Capture-time seconds without packets before a connection is ended. */
  idleTimeoutSeconds?: number;
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
  /** Decode TLS handshakes (on any port, by content). Default true. */
  tls?: boolean;
  /**
   * Called once when a connection's three-way handshake completes, and once when its TLS
   * session has what it needs (handshake over, failed, or no TLS): a live agent reports
   * handshakes as they happen, not when a long-lived connection finally ends.
   */
  onHandshake?: (c: Connection) => void;
  onTlsDone?: (c: Connection) => void;
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
}

/**
 * The table of TCP connections keyed by 4-tuple. Lookups hash the tuple in place
 * (no key strings); intrusive LRU lists give O(1) idle expiry and eviction: one for
 * open connections, one for finished ones (both FINs acked, or a RST), so a long-lived
 * open connection at the head never holds back the finished ones behind it.
 * Ended connections go to `onEnd` exactly once.
 */
export class ConnTracker {
  readonly stats: ConnTrackerStats = { packets: 0, connectionsCreated: 0, connectionsEnded: 0, active: 0, evicted: 0, idleExpired: 0, portReuses: 0, timeJumpsHeld: 0 };
  /**
   * Hash chains in a power-of-two array (an array index per packet, not a Map lookup),
   * grown to keep about one connection per slot.
   */
  private buckets: (Connection | null)[] = new Array<Connection | null>(MIN_BUCKETS).fill(null);
  /** IPv4 addresses shared by the connections that have them (see `address`). */
  private readonly ipv4Addresses = new Map<number, Uint8Array>();
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
  private readonly recordLadder: boolean;
  private readonly maxLadderSteps: number;
  private readonly tls: boolean;
  private readonly onHandshake: ((c: Connection) => void) | undefined;
  private readonly pool: Connection[] | null;
  private readonly onTlsDone: ((c: Connection) => void) | undefined;
  /** The latest time trusted so far (capture time; -1: none yet). See `trustTime`. */
  private clockSec = -1;
  private clockNsec = 0;
  /** A packet's time far ahead of the clock, waiting for the next packet to confirm it (-1: none). */
  private jumpSec = -1;
  private jumpNsec = 0;
  private readonly jumpNs: number;

  constructor(private readonly onEnd: (c: Connection) => void, options: ConnTrackerOptions = {}) {
    this.maxConnections = options.maxConnections ?? 1_000_000;
    this.idleTimeoutNs = (options.idleTimeoutSeconds ?? 3600) * 1e9;
    this.closedTimeoutNs = (options.closedTimeoutSeconds ?? 5) * 1e9;
    this.recordLadder = options.recordLadder ?? false;
    this.maxLadderSteps = options.maxLadderSteps ?? 10_000;
    this.tls = options.tls ?? true;
    this.onHandshake = options.onHandshake;
    this.pool = options.reuseConnections ? [] : null;
    this.onTlsDone = options.onTlsDone;
    this.jumpNs = Math.max(this.idleTimeoutNs, SUSPECT_JUMP_NS);
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
    // Wireshark's rule for a new stream on the same ports: a pure SYN whose sequence
    // number differs from the first one seen in that direction.
    if (conn !== null && (p.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && conn.endpoint(side).hasBase && p.seq !== conn.endpoint(side).base) {
      this.stats.portReuses++;
      this.end(conn, 'port-reused');
      conn = null;
    }
    if (conn === null) {
      conn = this.create(hash, p);
      side = this.isFromClient(conn, p) ? CLIENT : SERVER;
    } else {
      this.lruRemove(conn);
    }
    const wasFinished = conn.finished;
    this.lruInsert(conn, wasFinished, p.tsSec, p.tsNsec);
    const handshakeWasDone = conn.handshakeDone;
    const tlsWasDone = conn.tlsDone;
    recordSegment(conn, side, p, this.recordLadder ? this.maxLadderSteps : 0);
    if (this.tls) feedTls(conn, side, p, this.recordLadder);
    if (conn.handshakeDone && !handshakeWasDone) this.onHandshake?.(conn);
    if (conn.tlsDone && !tlsWasDone) this.onTlsDone?.(conn);
    if (!wasFinished && conn.finished) {
      this.lruRemove(conn);
      this.lruInsert(conn, true, p.tsSec, p.tsNsec);
    }
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
    const all: Connection[] = [];
    for (let c = this.openHead; c !== null; c = c.lruNext) all.push(c);
    for (let c = this.closedHead; c !== null; c = c.lruNext) all.push(c);
    all.sort((a, b) => a.id - b.id);
    for (const c of all) this.end(c, reason);
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
    if (this.stats.active >= this.maxConnections) {
      const victim = this.leastRecentlySeen();
      if (victim !== null) {
        this.stats.evicted++;
        this.end(victim, 'evicted');
      }
    }
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
    const c = reused ?? new Connection(this.nextId, p.ipVersion, client, clientPort, server, serverPort, hash);
    if (reused) reused.reuse(this.nextId, p.ipVersion, client, clientPort, server, serverPort, hash);
    this.nextId++;
    c.roleSource = role;
    if (flip) c.zeekHistory.flip();
    c.firstSec = p.tsSec;
    c.firstNsec = p.tsNsec;
    if (this.recordLadder) c.ladder = [];
    if (this.stats.active >= this.buckets.length) this.rehash(this.buckets.length * 2);
    const i = slot(hash, this.buckets.length);
    c.bucketNext = this.buckets[i];
    this.buckets[i] = c;
    this.stats.connectionsCreated++;
    this.stats.active++;
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
    c.endReason = reason;
    this.stats.active--;
    this.stats.connectionsEnded++;
    this.onEnd(c);
    if (this.pool !== null && this.pool.length < POOL_CAP) this.pool.push(c);
  }

  /**
   * A connection's copy of an address. IPv4 addresses are interned: one host's own
   * address is in every one of its connections, and a small typed array costs about as
   * much as the rest of a short connection's bookkeeping. Connections never write to
   * their addresses. The table is capped (cleared when full: a scan costs no more).
   */
  private address(b: Uint8Array, o: number, len: number): Uint8Array {
    if (len !== 4) return copyBytes(b, o, len);
    const key = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    let a = this.ipv4Addresses.get(key);
    if (a === undefined) {
      if (this.ipv4Addresses.size >= MAX_INTERNED_ADDRESSES) this.ipv4Addresses.clear();
      a = copyBytes(b, o, 4);
      this.ipv4Addresses.set(key, a);
    }
    return a;
  }

  /**
   * End connections idle past their timeout, by capture time: finished ones after the
   * closed timeout, open ones after the idle timeout (and never before the closed one).
   */
  private expire(sec: number, nsec: number): void {
    for (let c = this.closedHead; c !== null; c = this.closedHead) {
      if (nsBetween(c.lastSec, c.lastNsec, sec, nsec) < this.closedTimeoutNs) break;
      this.stats.idleExpired++;
      this.end(c, 'idle');
    }
    for (let c = this.openHead; c !== null; c = this.openHead) {
      const idle = nsBetween(c.lastSec, c.lastNsec, sec, nsec);
      if (idle < this.idleTimeoutNs || idle < this.closedTimeoutNs) break;
      this.stats.idleExpired++;
      this.end(c, 'idle');
    }
  }

  /** The head of either list seen longest ago (the finished one on a tie). */
  private leastRecentlySeen(): Connection | null {
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

/**
 * A copy that owns its memory. Not `data.slice()`: on a Node Buffer that is a view, and
 * a view would keep the whole read chunk (1 MiB or more) alive for the connection's life.
 */
function copyBytes(b: Uint8Array, o: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = b[o + i];
  return out;
}
