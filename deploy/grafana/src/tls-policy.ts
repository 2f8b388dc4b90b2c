// What Shakewatch calls legacy TLS and weak cipher suites: the one definition of both
// regular expressions. The dashboard uses these constants; deploy/prometheus's alert and
// recording rules spell the same strings (YAML cannot import them) and
// test/deploy/prometheus-rules.spec.ts fails if the two ever differ.

/**
 * Negotiated versions older than TLS 1.2 (the `version` label: ECS's numeric part, so SSL
 * 2.0 and 3.0 are "2.0" and "3.0"). RFC 8996 deprecates TLS 1.0 and 1.1.
 */
export const LEGACY_TLS_VERSIONS = String.raw`1\.0|1\.1|2\.0|3\.0`;

/**
 * Cipher suites (IANA names, the `cipher` label) with no or broken protection: no
 * encryption or no authentication (NULL, anon), export-grade keys (EXPORT, DES40), broken
 * or 64-bit-block ciphers (RC4, RC2, DES, 3DES — Sweet32 — and IDEA) and MD5 MACs.
 * CBC suites with SHA-1 MACs are not in it: they are still common in TLS 1.2, not broken
 * in practice (Lucky13 is mitigated), and listing them would make the alert noise; the
 * dashboard's cipher table shows them for whoever wants to retire them.
 */
export const WEAK_CIPHERS = String.raw`.*(NULL|EXPORT|anon|RC4|RC2|_DES_|DES40|3DES|IDEA|MD5).*`;
