import type { Connection } from '@shakewatch/decoder';
import { BypassTable, DEFAULT_BYPASS_CONNECTIONS, type BypassStats, type LiveCapture } from '@shakewatch/pcap';
import type { Logger } from 'pino';

/** Longest time a bypassed connection goes without a segment passed up (its tracker must not think it idle). */
const MAX_REFRESH_MS = 60_000;

export interface FlowBypassOptions {
  /** Connections in the table at most (a full table refuses more: counted). */
  maxConnections?: number;
  /** The tracker's idle timeout: a bypassed connection gets a segment passed up at least every quarter of it (and every minute). */
  idleTimeoutSeconds: number;
}

/**
 * The live capture's flow bypass, as the agent drives it: a connection the tracker has
 * learned all it reports of (ConnTracker's onLearned: handshake timed, TLS outcome known,
 * data seen each way) goes into libs/pcap's bypass table, and its later segments without
 * SYN, FIN or RST are counted and dropped in C, never reaching JavaScript. Its SYN, FIN
 * and RST still come up (conn_state, resets and teardown stay exact) and take it out of
 * the table; so does its end in the tracker (evicted, idle), so that what follows is
 * handled as without a bypass.
 */
export class FlowBypass {
  /** Made with the first capture (the binding is loaded then, as for the capture itself). */
  private table: BypassTable | null = null;
  private warnedFull = false;

  /** `capture()` and `index()`: the batch being read and the packet's place in it (LiveSource). */
  constructor(private readonly options: FlowBypassOptions, private readonly log: Logger, private readonly capture: () => LiveCapture | null, private readonly index: () => number) {}

  /** Every capture of the source shares the table. */
  attach(capture: LiveCapture): void {
    if (this.table === null) {
      const idleMs = Math.max(1, Math.round(this.options.idleTimeoutSeconds * 1000));
      this.table = new BypassTable({
        maxConnections: this.options.maxConnections ?? DEFAULT_BYPASS_CONNECTIONS,
        idleTimeoutMs: idleMs,
        refreshMs: Math.max(1, Math.min(MAX_REFRESH_MS, Math.floor(idleMs / 4))),
      });
    }
    capture.setBypass(this.table);
  }

  /** The tracker has nothing left to learn from the connection's bulk segments (it is reading one of its packets now). */
  learned(c: Connection): void {
    const capture = this.capture();
    if (this.table === null || capture === null || capture.closed) return;
    if (capture.addBypass(this.index(), c.ipVersion, c.clientAddr, c.clientPort, c.serverAddr, c.serverPort) === 'full' && !this.warnedFull) {
      this.warnedFull = true;
      this.log.warn({ maxConnections: this.table.maxConnections }, 'bypass table full: later connections are not bypassed until it empties (counted in shakewatch_agent_bypass_table_total{event="full"})');
    }
  }

  /**
   * The tracker ended the connection: one evicted or idle leaves the table, unless a FIN or
   * RST of it was seen (the capture let that through, which took it out: no call for most
   * connections). Those that end otherwise left it at a FIN, RST or SYN.
   */
  ended(c: Connection): void {
    if (this.table === null || (c.endReason !== 'evicted' && c.endReason !== 'idle')) return;
    if (c.ep0.finCount + c.ep1.finCount + c.ep0.rstCount + c.ep1.rstCount === 0) this.table.remove(c.ipVersion, c.clientAddr, c.clientPort, c.serverAddr, c.serverPort);
  }

  /** The table's counters (zeros before a capture opened). */
  stats(): BypassStats {
    return this.table?.stats() ?? { entries: 0, capacity: 0, added: 0, alreadyIn: 0, full: 0, hits: 0, bypassedPackets: 0, bypassedBytes: 0, passedFlags: 0, passedRefresh: 0, notUnderstood: 0, expired: 0, removed: 0, late: 0 };
  }
}
