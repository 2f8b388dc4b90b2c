// Protocol versions (ProtocolVersion / supported_versions): code -> display name, as tshark 4.0
// names them (no IANA registry: RFC 8446 4.2.1 and the TLS 1.3 drafts), plus the mapping to
// ECS's tls.version / tls.version_protocol. See README.md.
import { greaseName, hex, isGrease } from './grease';

/** TLS 1.3 drafts send 0x7f00 + draft number; tshark lists drafts 14-28. */
const TLS13_DRAFTS: [number, string][] = [];
for (let n = 14; n <= 28; n++) TLS13_DRAFTS.push([0x7f00 + n, `TLS 1.3 (draft ${n})`]);

export const VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0002, 'SSL 2.0'],
  [0x0300, 'SSL 3.0'],
  [0x0301, 'TLS 1.0'],
  [0x0302, 'TLS 1.1'],
  [0x0303, 'TLS 1.2'],
  [0x0304, 'TLS 1.3'],
  ...TLS13_DRAFTS,
  [0xfb17, 'TLS 1.3 (Facebook draft 23)'],
  [0xfb1a, 'TLS 1.3 (Facebook draft 26)'],
  [0xfeff, 'DTLS 1.0'],
  [0xfefd, 'DTLS 1.2'],
  [0xfefc, 'DTLS 1.3'],
  [0x0100, 'DTLS 1.0 (OpenSSL pre 0.9.8f)'],
  [0x0101, 'GMTLS'], // GM/T 0024 (Chinese national TLS, "TLCP")
]);

function isTls13Draft(code: number): boolean {
  return (code & 0xff00) === 0x7f00;
}

/**
 * A negotiated version that works as TLS 1.3: 0x0304, its drafts (0x7fNN), Google's
 * experiment variants (0x7eNN) and Facebook's draft variants (0xfb17, 0xfb1a).
 */
export function isTls13(version: number | null): boolean {
  return version !== null && (version === 0x0304 || isTls13Draft(version) || (version >> 8) === 0x7e || version === 0xfb17 || version === 0xfb1a);
}

/** 'TLS 1.2', 'TLS 1.3 (draft 23)', 'GREASE (0x1a1a)', else the hex code ('0x0305'). */
export function versionName(code: number): string {
  const name = VERSIONS.get(code);
  if (name !== undefined) return name;
  if (isTls13Draft(code)) return `TLS 1.3 (draft ${code & 0xff})`;
  return isGrease(code) ? greaseName(code) : hex(code, 4);
}

/** ECS tls.version_protocol and tls.version (e.g. { protocol: 'tls', version: '1.2' }). */
export interface EcsTlsVersion {
  protocol: 'ssl' | 'tls' | 'dtls';
  version: string;
}

/**
 * ECS's tls.version / tls.version_protocol for a negotiated version, or undefined for GREASE,
 * GMTLS and unknown values. ECS wants the numeric part of the version, so the TLS 1.3 drafts
 * and Facebook's draft variants map to '1.3' (versionName keeps the draft for display).
 */
export function ecsTlsVersion(code: number): EcsTlsVersion | undefined {
  switch (code) {
    case 0x0002: return { protocol: 'ssl', version: '2.0' };
    case 0x0300: return { protocol: 'ssl', version: '3.0' };
    case 0x0301: return { protocol: 'tls', version: '1.0' };
    case 0x0302: return { protocol: 'tls', version: '1.1' };
    case 0x0303: return { protocol: 'tls', version: '1.2' };
    case 0x0304: case 0xfb17: case 0xfb1a: return { protocol: 'tls', version: '1.3' };
    case 0xfeff: case 0x0100: return { protocol: 'dtls', version: '1.0' };
    case 0xfefd: return { protocol: 'dtls', version: '1.2' };
    case 0xfefc: return { protocol: 'dtls', version: '1.3' };
  }
  return isTls13Draft(code) ? { protocol: 'tls', version: '1.3' } : undefined;
}
