import { LEGACY_SIGNATURE_ALGORITHMS, SIGNATURE_SCHEMES, signatureSchemeName } from './signature-schemes';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('signature scheme table', () => {
  it.each([
    [0x0201, 'rsa_pkcs1_sha1'], // RFC 8446 4.2.3
    [0x0203, 'ecdsa_sha1'],
    [0x0401, 'rsa_pkcs1_sha256'],
    [0x0403, 'ecdsa_secp256r1_sha256'],
    [0x0503, 'ecdsa_secp384r1_sha384'],
    [0x0603, 'ecdsa_secp521r1_sha512'],
    [0x0804, 'rsa_pss_rsae_sha256'],
    [0x0806, 'rsa_pss_rsae_sha512'],
    [0x0807, 'ed25519'],
    [0x0808, 'ed448'],
    [0x0809, 'rsa_pss_pss_sha256'],
    [0x081a, 'ecdsa_brainpoolP256r1tls13_sha256'], // RFC 8734
    [0x0708, 'sm2sig_sm3'], // RFC 8998
  ])('%i is %s', (code, name) => {
    expect(SIGNATURE_SCHEMES.get(code)).toBe(name);
  });

  it('names TLS 1.2 hash/signature pairs that have no scheme', () => {
    expect(signatureSchemeName(0x0402)).toBe('dsa_sha256');
    expect(signatureSchemeName(0x0301)).toBe('rsa_pkcs1_sha224');
    expect([...LEGACY_SIGNATURE_ALGORITHMS.keys()].filter((c) => SIGNATURE_SCHEMES.has(c))).toEqual([]);
  });

  it('has no duplicate names', () => {
    expect(dupes([...SIGNATURE_SCHEMES.values(), ...LEGACY_SIGNATURE_ALGORITHMS.values()])).toEqual([]);
  });

  it('reports GREASE and unknown values', () => {
    expect(signatureSchemeName(0x3a3a)).toBe('GREASE (0x3a3a)');
    expect(signatureSchemeName(0xfe00)).toBe('0xfe00');
  });
});
