import {
  CIPHER_SUITES, LEGACY_CIPHER_SUITES, SSL2_CIPHER_SPECS, cipherSuiteName, ssl2CipherSpecName,
} from './cipher-suites';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('cipher suite table', () => {
  it.each([
    [0x0000, 'TLS_NULL_WITH_NULL_NULL'], // RFC 5246
    [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5'], // RFC 4346
    [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
    [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA'],
    [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA'],
    [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256'], // RFC 5288
    [0x00ff, 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV'], // RFC 5746
    [0x1301, 'TLS_AES_128_GCM_SHA256'], // RFC 8446
    [0x1302, 'TLS_AES_256_GCM_SHA384'],
    [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
    [0x1304, 'TLS_AES_128_CCM_SHA256'],
    [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
    [0x5600, 'TLS_FALLBACK_SCSV'], // RFC 7507
    [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'], // RFC 8422
    [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
    [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'], // RFC 5289
    [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    [0xc0aa, 'TLS_PSK_DHE_WITH_AES_128_CCM_8'], // RFC 6655 (IANA's spelling)
    [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'], // RFC 7905
    [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
    [0xd001, 'TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256'], // RFC 8442
  ])('%i is %s', (code, name) => {
    expect(CIPHER_SUITES.get(code)).toBe(name);
    expect(cipherSuiteName(code)).toBe(name);
  });

  it('holds the whole IANA registry and nothing IANA left unassigned', () => {
    expect(CIPHER_SUITES.size).toBe(352);
    expect(CIPHER_SUITES.has(0x001c)).toBe(false); // reserved to avoid conflicts with SSLv3
    expect(CIPHER_SUITES.has(0x0060)).toBe(false);
    expect([...CIPHER_SUITES.keys()].every((c) => c >= 0 && c <= 0xffff)).toBe(true);
  });

  it('names the legacy suites apart from the IANA ones', () => {
    expect(cipherSuiteName(0x0062)).toBe('TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA');
    expect(cipherSuiteName(0x001d)).toBe('SSL_FORTEZZA_KEA_WITH_FORTEZZA_CBC_SHA');
    expect(cipherSuiteName(0xcc13)).toBe('TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD');
    expect([...LEGACY_CIPHER_SUITES.keys()].filter((c) => CIPHER_SUITES.has(c))).toEqual([]);
  });

  it('has no duplicate names', () => {
    expect(dupes([...CIPHER_SUITES.values(), ...LEGACY_CIPHER_SUITES.values()])).toEqual([]);
  });

  it('reports GREASE and unknown values', () => {
    expect(cipherSuiteName(0x1a1a)).toBe('GREASE (0x1a1a)');
    expect(cipherSuiteName(0xfafa)).toBe('GREASE (0xfafa)');
    expect(cipherSuiteName(0x1308)).toBe('0x1308');
    expect(cipherSuiteName(0x0070)).toBe('0x0070');
  });

  it('names SSLv2 cipher specs, TLS suites in 3-byte form included', () => {
    expect(SSL2_CIPHER_SPECS.size).toBe(8);
    expect(ssl2CipherSpecName(0x010080)).toBe('SSL_CK_RC4_128_WITH_MD5');
    expect(ssl2CipherSpecName(0x0700c0)).toBe('SSL_CK_DES_192_EDE3_CBC_WITH_MD5');
    expect(ssl2CipherSpecName(0x00002f)).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(ssl2CipherSpecName(0x090080)).toBe('0x090080');
  });
});
