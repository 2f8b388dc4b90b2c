import { NAMED_GROUPS, namedGroupName } from './named-groups';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('named group table', () => {
  it.each([
    [23, 'secp256r1'], // RFC 8422
    [24, 'secp384r1'],
    [25, 'secp521r1'],
    [26, 'brainpoolP256r1'], // RFC 7027
    [29, 'x25519'], // RFC 8446
    [30, 'x448'],
    [31, 'brainpoolP256r1tls13'], // RFC 8734
    [256, 'ffdhe2048'], // RFC 7919
    [260, 'ffdhe8192'],
    [0x11eb, 'SecP256r1MLKEM768'],
    [4588, 'X25519MLKEM768'],
    [0x11ed, 'SecP384r1MLKEM1024'],
    [25497, 'X25519Kyber768Draft00'],
    [0xff01, 'arbitrary_explicit_prime_curves'],
  ])('%i is %s', (code, name) => {
    expect(namedGroupName(code)).toBe(name);
  });

  it('has no duplicate names', () => {
    expect(dupes([...NAMED_GROUPS.values()])).toEqual([]);
  });

  it('reports GREASE and unknown values', () => {
    expect(namedGroupName(0x0a0a)).toBe('GREASE (0x0a0a)');
    expect(namedGroupName(42)).toBe('0x002a');
  });
});
