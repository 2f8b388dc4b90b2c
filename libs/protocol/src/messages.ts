import { z } from 'zod';
import { AGENT_ID, AGENT_ID_RULE } from './label-values';
import { MAX_SNAPSHOT_INTERVAL_SECONDS, MIN_SNAPSHOT_INTERVAL_SECONDS } from './limits';
import { PROTOCOL_VERSION } from './wire';

/**
 * Agent -> hub messages (JSON text frames). A connection carries one `hello`, then
 * cumulative `snapshot`s: each holds every total since the agent process started (its
 * `bootId`), so a lost message, a reconnect or a hub restart loses nothing and never
 * double counts, and a new bootId is a counter reset Prometheus understands.
 */
const agentId = z.string().regex(AGENT_ID, AGENT_ID_RULE);
const shortText = z.string().max(256);
const bootId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'letters, digits and - (8-64 characters)');
const count = z.number().nonnegative().finite();
/** A hub's id (SHAKEWATCH_HUB_ID, or host:port). */
export const HUB_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const HelloSchema = z.strictObject({
  type: z.literal('hello'),
  protocol: z.number().int(),
  agentId,
  agentVersion: z.string().regex(/^[A-Za-z0-9.+_-]{1,64}$/),
  hostname: z.string().regex(/^[A-Za-z0-9._-]{1,253}$/),
  bootId,
  /** Unix time (seconds) the agent process started. */
  startedAt: z.number().positive().finite(),
  /** Seconds between snapshots: the hub hides the agent's series after HUB_STALE_INTERVALS of silence. */
  intervalSeconds: z.number().min(MIN_SNAPSHOT_INTERVAL_SECONDS).max(MAX_SNAPSHOT_INTERVAL_SECONDS),
  /**
   * The agent was welcomed by another hub earlier in this boot and lost it this long ago:
   * that hub's last scrape may still show its series, so a different hub hides them until
   * Prometheus has had a scrape of the old one (SHAKEWATCH_HUB_HANDOVER_SECONDS after the move).
   */
  movedFrom: z.strictObject({ hubId: z.string().regex(HUB_ID), secondsAgo: z.number().nonnegative().finite() }).optional(),
  capture: z.strictObject({
    source: z.enum(['live', 'file']),
    interfaces: z.array(shortText).max(64),
    file: shortText.optional(),
    filter: shortText.optional(),
    snaplen: z.number().int().positive().optional(),
    promiscuous: z.boolean().optional(),
  }),
});

/** A counter or gauge: label values in the family's label order, then the value. */
export const ValueRowSchema = z.tuple([z.array(z.string().max(256)).max(8), count]);
/** A histogram: label values, cumulative bucket counts in `le` order ending with +Inf (= the count), the sum. */
export const HistogramRowSchema = z.tuple([z.array(z.string().max(256)).max(8), z.array(count).max(64), z.number().finite()]);

export const SnapshotSchema = z.strictObject({
  type: z.literal('snapshot'),
  bootId,
  /** 1, 2, 3... per boot: a hub keeps the highest and ignores the rest. */
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Agent's clock (Unix ms) when taken. */
  time: z.number().nonnegative().finite(),
  /** The last snapshot of this boot: the agent is stopping (the hub then keeps its series one grace period). */
  final: z.boolean().optional(),
  /** Family name -> rows (checked against the family's labels by checkSnapshot). */
  families: z.record(z.string().max(128), z.array(z.union([HistogramRowSchema, ValueRowSchema])).max(100_000)),
});

export const AgentMessageSchema = z.discriminatedUnion('type', [HelloSchema, SnapshotSchema]);

export type Hello = z.infer<typeof HelloSchema>;
export type Snapshot = z.infer<typeof SnapshotSchema>;
export type AgentMessage = z.infer<typeof AgentMessageSchema>;
export type ValueRow = z.infer<typeof ValueRowSchema>;
export type HistogramRow = z.infer<typeof HistogramRowSchema>;

/** Hub -> agent: `welcome` after a good hello, `ack` for every snapshot kept or ignored as stale. */
export interface Welcome {
  type: 'welcome';
  protocol: typeof PROTOCOL_VERSION;
  hubId: string;
  /** The snapshot the hub already holds for this boot (0: none): the agent sends its current totals anyway. */
  lastSeq: number;
}
export interface Ack {
  type: 'ack';
  seq: number;
}
export type HubMessage = Welcome | Ack;

export const HubMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), protocol: z.literal(PROTOCOL_VERSION), hubId: z.string().regex(HUB_ID), lastSeq: z.number() }),
  z.object({ type: z.literal('ack'), seq: z.number() }),
]);

/** One line for a person from a zod error: the first few problems with their paths. */
export function describeSchemaError(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => `${i.path.join('.') || 'message'}: ${i.message}`);
  return parts.join('; ') + (error.issues.length > max ? `; and ${error.issues.length - max} more` : '');
}
