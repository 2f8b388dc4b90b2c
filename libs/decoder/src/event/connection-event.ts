import { formatIp } from '../address';
import { validCaptureTime } from '../capture/packet-time';
import { CLIENT, type AnomalyCode, type CloseKind, type Connection, type EndReason, type ResetPhase, type RoleSource } from '../tcp/connection';
import type { ConnState } from '../tcp/zeek-state';
import { tlsEvent, type TlsEvent } from './tls-event';

/**
 * One TCP connection as an ECS-style event (nested objects; absent = unknown).
 * The field names are a public contract (DESIGN.md, "Connection events").
 */
export interface ConnectionEvent {
  /** Absent only for a first packet at no possible time (the decoder skips those: never in practice). */
  '@timestamp'?: string;
  event: { duration: number; reason: EndReason | null };
  source: { ip: string; port: number; packets: number; bytes: number };
  destination: { ip: string; port: number; packets: number; bytes: number };
  network: { type: 'ipv4' | 'ipv6'; transport: 'tcp' };
  tcp: {
    conn_state: ConnState;
    history: string;
    /** How the client was chosen: the SYN's sender, or a documented guess. */
    client_from: RoleSource;
    handshake?: { rtt_seconds?: number; server_seconds?: number; client_seconds?: number };
    syn_retransmits: number;
    resets: number;
    reset_sender?: 'client' | 'server';
    reset_phase?: ResetPhase;
    close: CloseKind;
    anomalies?: Partial<Record<AnomalyCode, number>>;
  };
  tls?: TlsEvent;
}

export function connectionEvent(c: Connection): ConnectionEvent {
  const hs: NonNullable<ConnectionEvent['tcp']['handshake']> = {};
  if (c.rttNs >= 0) hs.rtt_seconds = c.rttNs / 1e9;
  if (c.serverNs >= 0) hs.server_seconds = c.serverNs / 1e9;
  if (c.clientNs >= 0) hs.client_seconds = c.clientNs / 1e9;
  const tcp: ConnectionEvent['tcp'] = {
    conn_state: c.connState,
    history: c.history,
    client_from: c.roleSource,
    syn_retransmits: c.anomalies.syn_retransmission ?? 0,
    resets: c.ep0.rstCount + c.ep1.rstCount,
    close: c.closeKind,
  };
  if (Object.keys(hs).length > 0) tcp.handshake = hs;
  if (c.firstRstSide !== -1) {
    tcp.reset_sender = c.firstRstSide === CLIENT ? 'client' : 'server';
    tcp.reset_phase = c.resetPhase ?? undefined;
  }
  if (Object.keys(c.anomalies).length > 0) tcp.anomalies = { ...c.anomalies };
  const at = isoTimestamp(c.firstSec, c.firstNsec);
  const event: ConnectionEvent = {
    ...(at === undefined ? {} : { '@timestamp': at }),
    event: { duration: eventDuration(c), reason: c.endReason },
    source: { ip: formatIp(c.clientAddr, 0, c.ipVersion), port: c.clientPort, packets: c.ep0.packets, bytes: c.ep0.payloadBytes },
    destination: { ip: formatIp(c.serverAddr, 0, c.ipVersion), port: c.serverPort, packets: c.ep1.packets, bytes: c.ep1.payloadBytes },
    network: { type: c.ipVersion === 4 ? 'ipv4' : 'ipv6', transport: 'tcp' },
    tcp,
  };
  const tls = c.tlsSummary ?? tlsEvent(c.tls);
  if (tls) event.tls = tls;
  return event;
}

/**
 * Nanoseconds from the first packet to the last, never negative: packets stamped out of
 * order (CPUs a microsecond apart, capture files joined) can leave the last one earlier.
 */
export function eventDuration(c: Connection): number {
  const ns = (c.lastSec - c.firstSec) * 1e9 + (c.lastNsec - c.firstNsec);
  return ns > 0 ? ns : 0;
}

/**
 * ISO 8601 (RFC 3339) with nanoseconds, UTC: 2024-01-02T03:04:05.123456789Z; undefined for
 * a time no capture holds (validCaptureTime), rather than text that is not a timestamp.
 */
export function isoTimestamp(sec: number, nsec: number): string | undefined {
  if (!validCaptureTime(sec, nsec)) return undefined;
  return `${isoSecond(sec)}.${String(nsec).padStart(9, '0')}Z`;
}

/**
 * The date and time to the second (2024-01-02T03:04:05), from a small direct-mapped cache:
 * events come in the order connections end, so their first seconds jump among recent ones,
 * and Date's toISOString costs more than the rest of the timestamp.
 */
function isoSecond(sec: number): string {
  const slot = sec & (SECONDS_CACHED - 1);
  if (cachedSec[slot] !== sec) {
    cachedText[slot] = new Date(sec * 1000).toISOString().slice(0, 19); // ...T03:04:05
    cachedSec[slot] = sec;
  }
  return cachedText[slot];
}
const SECONDS_CACHED = 64;
const cachedSec = new Float64Array(SECONDS_CACHED).fill(Number.NaN);
const cachedText: string[] = new Array<string>(SECONDS_CACHED).fill('');
