import { CLIENT, connectionEvent, nsBetween, type Connection, type LadderStep } from '@shakewatch/decoder';
import { checkText } from './check-text';
import { flagNames } from './flag-names';
import { screenText } from './screen-text';
import { tlsMessageNotes, tlsSummary } from './tls-lines';

const CLOSE_TEXT: Record<Connection['closeKind'], string> = {
  fin: 'closed by FIN in both directions (four-way teardown)',
  'fin-merged': 'closed by FIN, FIN-ACK, ACK (three-packet teardown)',
  'half-closed': 'half-closed: only one side sent FIN',
  rst: 'ended by RST',
  'rst-after-fin': 'FIN teardown interrupted by RST',
  open: 'still open at the end of the capture',
};

const ROLE_TEXT: Record<Connection['roleSource'], string> = {
  syn: 'client sent the SYN',
  'syn-ack': 'client guessed: SYN not captured, it received the SYN-ACK',
  'port-heuristic': 'client guessed from the server-like port (no SYN captured)',
  'first-packet': 'client guessed: sender of the first packet (no SYN captured)',
};

const seconds = (ns: number): string => (ns / 1e9).toFixed(6);

/**
 * The readable ladder of one connection, as the Wireshark walkthroughs draw it by hand.
 * Every line is escaped for the terminal (screenText): names from the wire (SNI, ALPN,
 * certificates) are in them, and our own text is printable, so it passes unchanged.
 */
export function formatLadder(c: Connection): string[] {
  return ladderLines(c).map(screenText);
}

function ladderLines(c: Connection): string[] {
  const e = connectionEvent(c);
  const client = `${bracket(e.source.ip)}:${e.source.port}`;
  const server = `${bracket(e.destination.ip)}:${e.destination.port}`;
  const lines: string[] = [];
  lines.push(`connection ${c.id}  ${client} -> ${server}  conn_state ${e.tcp.conn_state}  history ${e.tcp.history || '-'}`);
  const hs = e.tcp.handshake;
  const parts = [
    `started ${e['@timestamp'] ?? 'at no valid time'}`,
    `${c.ep0.packets + c.ep1.packets} packets`,
    `duration ${seconds(e.event.duration)} s`,
    ROLE_TEXT[c.roleSource],
  ];
  lines.push(`  ${parts.join(', ')}`);
  if (hs?.rtt_seconds !== undefined) {
    lines.push(`  handshake: iRTT ${hs.rtt_seconds.toFixed(6)} s = SYN->SYN-ACK ${hs.server_seconds?.toFixed(6) ?? '?'} s + SYN-ACK->ACK ${hs.client_seconds?.toFixed(6) ?? '?'} s`);
  } else if (c.synCount > 0 && c.synAckCount === 0) {
    lines.push(`  handshake: SYN ${c.synCount > 1 ? `sent ${c.synCount} times ` : ''}never answered by a SYN-ACK`);
  }
  const reset = e.tcp.reset_sender ? `; first RST from the ${e.tcp.reset_sender} during ${e.tcp.reset_phase}` : '';
  const refused = e.tcp.conn_state === 'REJ' ? ' (connection refused)' : '';
  const halfClose = c.halfCloseData && c.closeKind === 'fin' ? ', after a half-close' : '';
  lines.push(`  ${CLOSE_TEXT[c.closeKind]}${halfClose}${reset}${refused}`);
  lines.push(...tlsSummary(e.tls));
  lines.push(`  ${'time (s)'.padStart(10)}  ${'direction'.padEnd(9)}  ${'flags'.padEnd(14)} ${'seq'.padStart(10)} ${'ack'.padStart(10)} ${'len'.padStart(6)} ${'win'.padStart(6)}  checks`);
  const tlsNotes = tlsMessageNotes(c);
  for (const s of c.ladder ?? []) lines.push(formatStep(c, s, tlsNotes.get(`${s.from}/${s.tsSec}/${s.tsNsec}`)));
  if (c.ladderDropped > 0) lines.push(`  ... ${c.ladderDropped} more packets not shown (ladder cap)`);
  const anomalies = Object.entries(c.anomalies);
  if (anomalies.length > 0) lines.push(`  anomalies: ${anomalies.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  return lines;
}

function formatStep(c: Connection, s: LadderStep, tls: string[] | undefined): string {
  const t = seconds(nsBetween(c.firstSec, c.firstNsec, s.tsSec, s.tsNsec));
  const dir = s.from === CLIENT ? 'C --> S' : 'C <-- S';
  const ack = s.relAck >= 0 ? String(s.relAck) : '-';
  return `  ${t.padStart(10)}  ${dir.padEnd(9)}  ${flagNames(s.flags).padEnd(14)} ${String(s.relSeq).padStart(10)} ${ack.padStart(10)} ${String(s.length).padStart(6)} ${String(s.window).padStart(6)}  ${[...(tls ?? []), ...s.checks.map(checkText)].join('; ')}`;
}

const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);
