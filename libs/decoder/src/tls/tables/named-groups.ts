// TLS Supported Groups (NamedGroup / NamedCurve): code point -> name, as in the IANA
// "TLS Supported Groups" registry (tls-parameters-8). IANA marks 25497 and 25498 "(OBSOLETE)":
// the marker is left out of the name here. See README.md.
import { greaseName, hex, isGrease } from './grease';

export const NAMED_GROUPS: ReadonlyMap<number, string> = new Map([
  // RFC 8422 (1-14 and 15-21 deprecated but still offered by old clients).
  [1, 'sect163k1'],
  [2, 'sect163r1'],
  [3, 'sect163r2'],
  [4, 'sect193r1'],
  [5, 'sect193r2'],
  [6, 'sect233k1'],
  [7, 'sect233r1'],
  [8, 'sect239k1'],
  [9, 'sect283k1'],
  [10, 'sect283r1'],
  [11, 'sect409k1'],
  [12, 'sect409r1'],
  [13, 'sect571k1'],
  [14, 'sect571r1'],
  [15, 'secp160k1'],
  [16, 'secp160r1'],
  [17, 'secp160r2'],
  [18, 'secp192k1'],
  [19, 'secp192r1'],
  [20, 'secp224k1'],
  [21, 'secp224r1'],
  [22, 'secp256k1'],
  [23, 'secp256r1'],
  [24, 'secp384r1'],
  [25, 'secp521r1'],
  // RFC 7027
  [26, 'brainpoolP256r1'],
  [27, 'brainpoolP384r1'],
  [28, 'brainpoolP512r1'],
  // RFC 8422 / RFC 8446
  [29, 'x25519'],
  [30, 'x448'],
  // RFC 8734
  [31, 'brainpoolP256r1tls13'],
  [32, 'brainpoolP384r1tls13'],
  [33, 'brainpoolP512r1tls13'],
  // RFC 9189 (GOST)
  [34, 'GC256A'],
  [35, 'GC256B'],
  [36, 'GC256C'],
  [37, 'GC256D'],
  [38, 'GC512A'],
  [39, 'GC512B'],
  [40, 'GC512C'],
  // RFC 8998
  [41, 'curveSM2'],
  // RFC 7919 finite-field groups
  [256, 'ffdhe2048'],
  [257, 'ffdhe3072'],
  [258, 'ffdhe4096'],
  [259, 'ffdhe6144'],
  [260, 'ffdhe8192'],
  // draft-connolly-tls-mlkem-key-agreement (pure ML-KEM, FIPS 203)
  [512, 'MLKEM512'],
  [513, 'MLKEM768'],
  [514, 'MLKEM1024'],
  // draft-ietf-tls-ecdhe-mlkem and draft-yang-tls-hybrid-sm2-mlkem (hybrid ECDHE + ML-KEM)
  [0x11eb, 'SecP256r1MLKEM768'],
  [0x11ec, 'X25519MLKEM768'],
  [0x11ed, 'SecP384r1MLKEM1024'],
  [0x11ee, 'curveSM2MLKEM768'],
  // Pre-standard Kyber hybrids (IANA: obsolete)
  [0x6399, 'X25519Kyber768Draft00'],
  [0x639a, 'SecP256r1Kyber768Draft00'],
  // RFC 8422
  [0xff01, 'arbitrary_explicit_prime_curves'],
  [0xff02, 'arbitrary_explicit_char2_curves'],
]);

/** The group's name, 'GREASE (0x1a1a)' for RFC 8701 values, else the hex code ('0x0123'). */
export function namedGroupName(code: number): string {
  const name = NAMED_GROUPS.get(code);
  if (name !== undefined) return name;
  return isGrease(code) ? greaseName(code) : hex(code, 4);
}
