import { agent, ndjson } from './agent-cli';
import type { Sample } from './prometheus-text';

/**
 * The totals an agent's metrics must show for a capture, as `inspect` reports them:
 * one key per series summed over direction, port and agent (those labels come from the
 * host, not the capture), e.g. `shakewatch_tcp_resets_total sender=server phase=handshake`.
 */
export function totalsFromInspect(file: string): Map<string, number> {
  const m = new Map<string, number>();
  const add = (k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const e of ndjson(agent(['inspect', file, '-f', 'ndjson']).stdout)) {
    add(`shakewatch_tcp_connections_total conn_state=${e.tcp.conn_state}`);
    if (e.tcp.reset_sender) add(`shakewatch_tcp_resets_total sender=${e.tcp.reset_sender} phase=${e.tcp.reset_phase}`);
    if (e.tcp.handshake?.rtt_seconds !== undefined) add('shakewatch_tcp_handshake_duration_seconds_count');
    if (e.tls?.cipher) add(`shakewatch_tls_handshakes_total version=${e.tls.version ?? 'unknown'} cipher=${e.tls.cipher}`);
    if (e.tls?.alert) add(`shakewatch_tls_alerts_total level=${e.tls.alert.level} description=${e.tls.alert.description}`);
  }
  return m;
}

/** The labels totalsFromInspect keeps, per family (every other label is summed over). */
const KEPT: Record<string, string[]> = {
  shakewatch_tcp_connections_total: ['conn_state'],
  shakewatch_tcp_resets_total: ['sender', 'phase'],
  shakewatch_tcp_handshake_duration_seconds_count: [],
  shakewatch_tls_handshakes_total: ['version', 'cipher'],
  shakewatch_tls_alerts_total: ['level', 'description'],
};

/** Metric samples summed the same way as totalsFromInspect (zero samples left out). */
export function totalsFromSamples(list: Sample[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of list) {
    if (!(s.name in KEPT) || s.value === 0) continue;
    const k = [s.name, ...KEPT[s.name].map((l) => `${l}=${s.labels[l]}`)].join(' ');
    m.set(k, (m.get(k) ?? 0) + s.value);
  }
  return m;
}
