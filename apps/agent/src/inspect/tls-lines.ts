import { handshakeTypeName, alertDescriptionName, alertLevelName, type Connection, type TlsEvent } from '@shakewatch/decoder';

const HANDSHAKE_DISPLAY: Record<string, string> = {
  client_hello: 'Client Hello', server_hello: 'Server Hello', certificate: 'Certificate',
  server_key_exchange: 'Server Key Exchange', certificate_request: 'Certificate Request',
  server_hello_done: 'Server Hello Done', client_key_exchange: 'Client Key Exchange',
  certificate_verify: 'Certificate Verify', new_session_ticket: 'New Session Ticket',
  certificate_status: 'Certificate Status', finished: 'Finished', encrypted_extensions: 'Encrypted Extensions',
};

/** TLS messages keyed by the segment that completed them ("side/sec/nsec"), Wireshark's names. */
export function tlsMessageNotes(c: Connection): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of c.tls?.messages ?? []) {
    let text: string;
    switch (m.kind) {
      case 'handshake': {
        const name = handshakeTypeName(m.handshakeType ?? -1);
        text = HANDSHAKE_DISPLAY[name] ?? name;
        break;
      }
      case 'encrypted_handshake': text = 'Encrypted Handshake Message'; break;
      case 'change_cipher_spec': text = 'Change Cipher Spec'; break;
      case 'application_data': text = 'Application Data'; break;
      case 'sslv2_client_hello': text = 'Client Hello (SSLv2 framing)'; break;
      case 'alert': text = m.alert ? `Alert (${alertLevelName(m.alert.level)}, ${alertDescriptionName(m.alert.description)})` : 'Encrypted Alert'; break;
    }
    const key = `${m.side}/${m.tsSec}/${m.tsNsec}`;
    const list = out.get(key) ?? [];
    // Consecutive application data records in one segment read better once.
    if (list[list.length - 1] !== text || text !== 'Application Data') list.push(text);
    out.set(key, list);
  }
  for (const list of out.values()) list.forEach((t, i) => (list[i] = `TLS ${t}`));
  return out;
}

/** Header lines summing up the TLS handshake of a connection. */
export function tlsSummary(t: TlsEvent | undefined): string[] {
  if (!t) return [];
  const parts = [
    t.version_name ?? 'version not negotiated',
    t.cipher,
    t.curve ? `group ${t.curve}` : undefined,
    t.client?.server_name ? `SNI ${t.client.server_name}` : undefined,
    t.next_protocol ? `ALPN ${t.next_protocol}` : undefined,
    t.resumed ? 'resumed' : undefined,
    t.hello_retry_request ? 'after HelloRetryRequest' : undefined,
    t.starttls ? `upgraded from ${t.starttls}` : undefined,
  ].filter((p): p is string => p !== undefined);
  const lines = [`  tls: ${parts.join(', ')}`];
  const state = t.established ? `established in ${t.handshake?.duration_seconds.toFixed(6)} s (Client Hello to the last Finished)` : 'handshake not completed';
  const alert = t.alert ? `; alert ${t.alert.level} ${t.alert.description} from the ${t.alert.sender}` : '';
  lines.push(`  tls: ${state}${alert}`);
  const x = t.server?.x509;
  if (x) lines.push(x.error ? `  tls: server certificate: ${x.error}` : `  tls: server certificate ${x.subject} issued by ${x.issuer}, valid ${x.not_before} to ${x.not_after}`);
  return lines;
}
