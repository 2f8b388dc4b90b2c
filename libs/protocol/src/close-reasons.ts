/**
 * Why a hub refuses a connection or a message: a stable code (the `reason` label of
 * shakewatch_hub_rejected_total, and the WebSocket close reason) and the close code the
 * agent receives. Refusals before the upgrade are HTTP statuses instead.
 */
export const REJECT_REASONS = {
  unauthorized: { http: 401, text: 'missing or unknown bearer token' },
  forbidden_agent: { http: 403, text: 'this token may not speak for that agent id' },
  bad_request: { http: 400, text: 'bad upgrade request (agent id header or subprotocol missing or invalid)' },
  hub_full: { close: 4503, text: 'the hub has as many agents as it accepts' },
  bad_json: { close: 4400, text: 'message is not JSON' },
  bad_schema: { close: 4401, text: 'message does not match the schema' },
  bad_label: { close: 4402, text: 'a label value is not allowed' },
  agent_mismatch: { close: 4403, text: 'hello names another agent id than the upgrade' },
  unsupported_version: { close: 4406, text: 'protocol version not supported' },
  hello_timeout: { close: 4408, text: 'no hello in time' },
  superseded: { close: 4409, text: 'the same agent connected again' },
  out_of_order: { close: 4410, text: 'snapshot before hello, or a second hello' },
  too_large: { close: 1009, text: 'message over the size limit' },
  too_many_series: { close: 4413, text: 'snapshot over the series limit' },
  rate_limited: { close: 4429, text: 'messages over the rate limit' },
  heartbeat_timeout: { close: 4504, text: 'no pong to the last ping' },
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;
export const REJECT_REASON_CODES = Object.keys(REJECT_REASONS) as RejectReason[];

/** Close codes after which reconnecting to the same hub with the same settings cannot help. */
export const PERMANENT_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4402, 4403, 4406, 4413]);

/** The reason for a close code, if it is one of ours. */
export function reasonForCloseCode(code: number): RejectReason | undefined {
  return REJECT_REASON_CODES.find((r) => (REJECT_REASONS[r] as { close?: number }).close === code);
}
