import { X509Certificate } from 'node:crypto';
import { sameBytes } from '../bytes';

/** ECS `tls.server.x509`, plus key and fingerprint; `error` when the DER does not parse. */
export interface X509Summary {
  subject?: string;
  issuer?: string;
  not_before?: string;
  not_after?: string;
  alternative_names?: string[];
  serial_number?: string;
  public_key_algorithm?: string;
  public_key_size?: number;
  public_key_curve?: string;
  sha256?: string;
  error?: string;
}

/**
 * Summaries of recently seen certificates: a server sends the same certificate on
 * every connection, and parsing it (OpenSSL, key details, SHA-256) costs more than the
 * rest of the connection's analysis. Keyed by a hash of the DER, checked byte for byte;
 * capped (cleared when full).
 */
const recent = new Map<number, { der: Uint8Array; summary: X509Summary }>();
const RECENT_MAX = 256;

/** Parse one DER certificate with Node's X509Certificate; never throws. */
export function summarizeCertificate(der: Uint8Array): X509Summary {
  const key = fnv1a(der);
  let entry = recent.get(key);
  if (entry === undefined || entry.der.length !== der.length || !sameBytes(entry.der, der)) {
    if (recent.size >= RECENT_MAX) recent.clear();
    entry = { der: der.slice(), summary: parseCertificate(der) };
    recent.set(key, entry);
  }
  // A copy: the caller owns (and may change) what it gets.
  const s = entry.summary;
  return s.alternative_names === undefined ? { ...s } : { ...s, alternative_names: [...s.alternative_names] };
}

function parseCertificate(der: Uint8Array): X509Summary {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (e) {
    return { error: `certificate does not parse: ${e instanceof Error ? e.message : String(e)}` };
  }
  const out: X509Summary = {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    not_before: isoDate(cert.validFrom),
    not_after: isoDate(cert.validTo),
    serial_number: cert.serialNumber.toUpperCase(),
    sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
  if (cert.subjectAltName) out.alternative_names = cert.subjectAltName.split(/,\s*/).map((n) => n.replace(/^(DNS|IP Address|email|URI):/, ''));
  try {
    const key = cert.publicKey;
    out.public_key_algorithm = key.asymmetricKeyType;
    const d = key.asymmetricKeyDetails;
    if (d?.modulusLength) out.public_key_size = d.modulusLength;
    if (d?.namedCurve) out.public_key_curve = d.namedCurve;
  } catch {
    // An unsupported key type leaves the key fields absent.
  }
  return out;
}

/** OpenSSL's one-attribute-per-line form to "CN=a, O=b" (ECS distinguished names). */
function distinguishedName(s: string): string {
  return s.split('\n').filter((l) => l.length > 0).reverse().join(', ');
}

function isoDate(s: string): string | undefined {
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}
