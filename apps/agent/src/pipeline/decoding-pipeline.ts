import { ConnTracker, DEFAULT_MEMORY_BUDGET_BYTES, PacketDecoder, TlsStreams, tlsEvent, type Connection, type RawPacket, type TlsSession } from '@shakewatch/decoder';
import { HeapGuard } from './heap-guard';

/** Packets between two looks at the heap (a mask: every 8,192; a look costs about a microsecond). */
const GUARD_EVERY = 0x1fff;

export interface DecodingPipelineOptions {
  /** Connections tracked at once; the least recently seen are evicted past it. */
  maxConnections?: number;
  /** Bytes all connection and reassembly state may take (ConnTracker's memoryBudgetBytes). */
  memoryBudgetBytes?: number;
  /** End connections idle this long (capture time). */
  idleTimeoutSeconds?: number;
  synTimeoutSeconds?: number;
  /** Keep every segment and the TLS session for the connection's ladder (`inspect --format text`). */
  recordLadder?: boolean;
  /** Keep the connection event's `tls` part (`inspect --format ndjson`). */
  tlsEvents?: boolean;
  /** A connection ended (capture end, idle, evicted, port reused). It is reused after this returns. */
  onConnection: (c: Connection) => void;
  /** A three-way handshake completed (iRTT known). */
  onHandshake?: (c: Connection) => void;
  /** A TLS session's outcome is known: once per connection that carried one, when it is done or when the connection ends. */
  onTlsOutcome?: (t: TlsSession, c: Connection) => void;
  /** Nothing left to learn from the connection's segments without SYN, FIN or RST (ConnTracker's onLearned): a live capture may bypass them. */
  onLearned?: (c: Connection) => void;
}

/**
 * The one decoding pipeline of the agent, for `inspect` and `run` alike: raw packets in
 * (from a file or live), decoded down to TCP, tracked per connection, ended connections
 * out.
 *
 * The TLS release rule lives here: a session whose outcome is known is handed to
 * `onTlsOutcome`, its event part is kept if asked for, and the session itself (parsed
 * hellos, certificates) is let go at once — unless a ladder is recorded, which prints the
 * messages at the end. A connection that ends before its session is done hands the
 * session over then. So a long-lived connection is counted as soon as its handshake is
 * over, and keeps nothing of it but the few fields its event needs.
 */
export class DecodingPipeline {
  readonly decoder: PacketDecoder;
  readonly tracker: ConnTracker;
  /** Packets decoded down to TCP. */
  tcpPackets = 0;
  private readonly keepSessions: boolean;
  private readonly heap: HeapGuard;
  private packets = 0;
  private readonly tlsEvents: boolean;

  constructor(private readonly options: DecodingPipelineOptions) {
    this.keepSessions = options.recordLadder === true;
    this.tlsEvents = options.tlsEvents === true;
    this.decoder = new PacketDecoder();
    // The collector runs when heap and buffers pass 80% of the budget (state itself is held to 40% of it).
    this.heap = new HeapGuard((options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES) * 0.8);
    this.tracker = new ConnTracker((c) => this.ended(c), {
      maxConnections: options.maxConnections,
      memoryBudgetBytes: options.memoryBudgetBytes,
      idleTimeoutSeconds: options.idleTimeoutSeconds,
      synTimeoutSeconds: options.synTimeoutSeconds,
      recordLadder: options.recordLadder,
      streams: new TlsStreams(options.recordLadder === true), // TLS on any port, by content
      reuseConnections: true, // onConnection keeps nothing of a connection after it returns
      onHandshake: options.onHandshake,
      onTlsDone: (c) => this.tlsDone(c),
      onLearned: options.onLearned,
    });
  }

  packet(raw: RawPacket): void {
    if ((++this.packets & GUARD_EVERY) === 0) this.heap.check();
    const p = this.decoder.decode(raw);
    if (p === null) return;
    this.tcpPackets++;
    this.tracker.packet(p);
  }

  /** A live agent's clock: end the connections idle past their timeout though no packet came. */
  advanceTo(sec: number, nsec: number): void {
    this.tracker.advanceTo(sec, nsec);
  }

  /** End every tracked connection (end of capture, or the agent stopping). */
  flush(): void {
    this.tracker.flush();
  }

  /** End at most `max` tracked connections (oldest first); true once none is left (ConnTracker.flushSome). */
  flushSome(max: number): boolean {
    return this.tracker.flushSome(max);
  }

  private tlsDone(c: Connection): void {
    if (c.tls !== null) this.options.onTlsOutcome?.(c.tls, c);
    if (this.keepSessions) return;
    if (this.tlsEvents) c.tlsSummary = tlsEvent(c.tls);
    c.tls = null;
  }

  private ended(c: Connection): void {
    if (!c.tlsDone && c.tls !== null) this.options.onTlsOutcome?.(c.tls, c);
    this.options.onConnection(c);
  }
}
