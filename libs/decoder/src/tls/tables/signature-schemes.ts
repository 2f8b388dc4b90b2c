// TLS SignatureScheme: code -> name, as in the IANA "TLS SignatureScheme" registry.
// LEGACY_SIGNATURE_ALGORITHMS names the TLS 1.2 (HashAlgorithm, SignatureAlgorithm) pairs of
// RFC 5246 that IANA keeps only as "Reserved for backward compatibility" (e.g. 0x0402 DSA with
// SHA-256, still sent by TLS 1.2 clients), named in the same style. See README.md.
import { greaseName, hex, isGrease } from './grease';

export const SIGNATURE_SCHEMES: ReadonlyMap<number, string> = new Map([
  // RFC 8446 (legacy SHA-1 schemes: RFC 9155)
  [0x0201, 'rsa_pkcs1_sha1'],
  [0x0203, 'ecdsa_sha1'],
  [0x0401, 'rsa_pkcs1_sha256'],
  [0x0403, 'ecdsa_secp256r1_sha256'],
  // draft-davidben-tls13-pkcs1
  [0x0420, 'rsa_pkcs1_sha256_legacy'],
  [0x0501, 'rsa_pkcs1_sha384'],
  [0x0503, 'ecdsa_secp384r1_sha384'],
  [0x0520, 'rsa_pkcs1_sha384_legacy'],
  [0x0601, 'rsa_pkcs1_sha512'],
  [0x0603, 'ecdsa_secp521r1_sha512'],
  [0x0620, 'rsa_pkcs1_sha512_legacy'],
  // draft-wang-tls-raw-public-key-with-ibc
  [0x0704, 'eccsi_sha256'],
  [0x0705, 'iso_ibs1'],
  [0x0706, 'iso_ibs2'],
  [0x0707, 'iso_chinese_ibs'],
  // RFC 8998
  [0x0708, 'sm2sig_sm3'],
  // RFC 9367 (GOST, TLS 1.3)
  [0x0709, 'gostr34102012_256a'],
  [0x070a, 'gostr34102012_256b'],
  [0x070b, 'gostr34102012_256c'],
  [0x070c, 'gostr34102012_256d'],
  [0x070d, 'gostr34102012_512a'],
  [0x070e, 'gostr34102012_512b'],
  [0x070f, 'gostr34102012_512c'],
  // RFC 8446
  [0x0804, 'rsa_pss_rsae_sha256'],
  [0x0805, 'rsa_pss_rsae_sha384'],
  [0x0806, 'rsa_pss_rsae_sha512'],
  [0x0807, 'ed25519'],
  [0x0808, 'ed448'],
  [0x0809, 'rsa_pss_pss_sha256'],
  [0x080a, 'rsa_pss_pss_sha384'],
  [0x080b, 'rsa_pss_pss_sha512'],
  // RFC 8734
  [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'],
  [0x081b, 'ecdsa_brainpoolP384r1tls13_sha384'],
  [0x081c, 'ecdsa_brainpoolP512r1tls13_sha512'],
  // draft-ietf-tls-mldsa
  [0x0904, 'mldsa44'],
  [0x0905, 'mldsa65'],
  [0x0906, 'mldsa87'],
]);

/**
 * TLS 1.2 SignatureAndHashAlgorithm pairs without a SignatureScheme name: hash byte (RFC 5246:
 * 1 md5, 2 sha1, 3 sha224, 4 sha256, 5 sha384, 6 sha512) then signature byte (1 rsa, 2 dsa,
 * 3 ecdsa); RFC 9189's GOST pairs use hash 8 (intrinsic) with signature 64/65.
 */
export const LEGACY_SIGNATURE_ALGORITHMS: ReadonlyMap<number, string> = new Map([
  [0x0101, 'rsa_pkcs1_md5'],
  [0x0102, 'dsa_md5'],
  [0x0103, 'ecdsa_md5'],
  [0x0202, 'dsa_sha1'],
  [0x0301, 'rsa_pkcs1_sha224'],
  [0x0302, 'dsa_sha224'],
  [0x0303, 'ecdsa_sha224'],
  [0x0402, 'dsa_sha256'],
  [0x0502, 'dsa_sha384'],
  [0x0602, 'dsa_sha512'],
  [0x0840, 'gostr34102012_256'],
  [0x0841, 'gostr34102012_512'],
]);

/** The scheme's name, 'GREASE (0x1a1a)' for RFC 8701 values, else the hex code ('0x0a04'). */
export function signatureSchemeName(code: number): string {
  const name = SIGNATURE_SCHEMES.get(code) ?? LEGACY_SIGNATURE_ALGORITHMS.get(code);
  if (name !== undefined) return name;
  return isGrease(code) ? greaseName(code) : hex(code, 4);
}
