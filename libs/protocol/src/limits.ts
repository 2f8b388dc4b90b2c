import { seriesBudget } from './series-budget';

/** Defaults of the hub's limits (each configurable by environment variable on the hub). */
export const DEFAULT_LIMITS = {
  /** Largest message accepted (bytes); a worst-case snapshot is about 120 KiB. */
  maxMessageBytes: 1024 * 1024,
  /** Messages per agent: a burst, then a sustained rate per second (token bucket). */
  messageBurst: 20,
  /** 1 / MIN_SNAPSHOT_INTERVAL_SECONDS: an agent that keeps to the contract is never refused. */
  messagesPerSecond: 5,
  /** Series in one snapshot: the worst case the agent can produce with its defaults. */
  maxSeriesPerAgent: seriesBudget().worstCase,
  /** Agents a hub remembers (connected, or gone less than the TTL ago). */
  maxAgents: 5000,
  /** Seconds a new connection has to send its hello. */
  helloTimeoutSeconds: 10,
} as const;

/** The agent's snapshot interval, and the bounds a hello may declare. */
export const DEFAULT_SNAPSHOT_INTERVAL_SECONDS = 10;
export const MIN_SNAPSHOT_INTERVAL_SECONDS = 0.2;
export const MAX_SNAPSHOT_INTERVAL_SECONDS = 3600;

/**
 * A hub hides an agent's series when nothing came from it for this many snapshot
 * intervals; the agent gives up on a hub after STALE + 1 intervals without an ack. So an
 * agent that moves to another hub because the old one stopped answering is hidden by the
 * old one (if it still runs) before the new one shows it: never counted by both.
 */
export const HUB_STALE_INTERVALS = 2;
export const AGENT_ACK_TIMEOUT_INTERVALS = HUB_STALE_INTERVALS + 1;
