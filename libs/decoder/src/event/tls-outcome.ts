import { alertDescriptionName, alertLevelName } from '../tls/tables/alert-descriptions';
import { cipherSuiteName, ssl2CipherSpecName } from '../tls/tables/cipher-suites';
import type { TlsSession } from '../tls/tls-session';

/**
 * What a TLS handshake came to, decided once for every consumer: the connection event
 * (`inspect`, tls-event.ts) and the agent's metrics must agree on which alert, which
 * cipher name and which duration a session is reported with.
 */
export interface ReportedAlert {
  /** `warning`, `fatal`, a hex code point, or `encrypted` when the alert travelled encrypted. */
  level: string;
  description: string;
  sender: 'client' | 'server';
}

/** The alert a session is reported with: its first fatal alert, else its first alert. */
export function reportedAlert(t: TlsSession): ReportedAlert | undefined {
  const alert = t.alerts.find((a) => a.level === 2) ?? t.alerts[0];
  if (!alert) return undefined;
  return {
    level: alert.level === null ? 'encrypted' : alertLevelName(alert.level),
    description: alert.description === null ? 'encrypted' : alertDescriptionName(alert.description),
    sender: alert.sender,
  };
}

/** The negotiated cipher suite's name (SSLv2: the CLIENT-MASTER-KEY's cipher kind), undefined until known. */
export function negotiatedCipher(t: TlsSession): string | undefined {
  const sh = t.serverHello;
  if (!sh) return undefined;
  if (!sh.sslv2) return cipherSuiteName(sh.cipherSuite);
  return sh.cipherSuite >= 0 ? ssl2CipherSpecName(sh.cipherSuite) : undefined;
}

/** Client Hello to the last Finished, as seen on the wire; undefined unless the handshake completed. */
export function tlsHandshakeSeconds(t: TlsSession): number | undefined {
  if (!t.established || t.startSec < 0) return undefined;
  const ns = (t.endSec - t.startSec) * 1e9 + (t.endNsec - t.startNsec);
  // A Finished stamped before its Client Hello (damaged or reordered capture times)
  // measures nothing: no negative duration in an event, none summed into a histogram.
  return ns < 0 ? undefined : ns / 1e9;
}
