import { VERSIONS, ecsTlsVersion, isTls13, versionName } from './versions';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('version table', () => {
  it.each([
    [0x0002, 'SSL 2.0'],
    [0x0300, 'SSL 3.0'], // RFC 6101
    [0x0301, 'TLS 1.0'], // RFC 2246
    [0x0302, 'TLS 1.1'], // RFC 4346
    [0x0303, 'TLS 1.2'], // RFC 5246
    [0x0304, 'TLS 1.3'], // RFC 8446
    [0x7f17, 'TLS 1.3 (draft 23)'],
    [0x7f1c, 'TLS 1.3 (draft 28)'],
    [0x7f0a, 'TLS 1.3 (draft 10)'],
    [0xfb17, 'TLS 1.3 (Facebook draft 23)'],
    [0xfefd, 'DTLS 1.2'], // RFC 6347
  ])('%i is %s', (code, name) => {
    expect(versionName(code)).toBe(name);
  });

  it('has no duplicate names', () => {
    expect(dupes([...VERSIONS.values()])).toEqual([]);
  });

  it('reports GREASE and unknown values', () => {
    expect(versionName(0x2a2a)).toBe('GREASE (0x2a2a)');
    expect(versionName(0x0305)).toBe('0x0305');
  });

  it('maps to ECS tls.version and tls.version_protocol', () => {
    expect(ecsTlsVersion(0x0300)).toEqual({ protocol: 'ssl', version: '3.0' });
    expect(ecsTlsVersion(0x0002)).toEqual({ protocol: 'ssl', version: '2.0' });
    expect(ecsTlsVersion(0x0301)).toEqual({ protocol: 'tls', version: '1.0' });
    expect(ecsTlsVersion(0x0303)).toEqual({ protocol: 'tls', version: '1.2' });
    expect(ecsTlsVersion(0x0304)).toEqual({ protocol: 'tls', version: '1.3' });
    expect(ecsTlsVersion(0x7f17)).toEqual({ protocol: 'tls', version: '1.3' });
    expect(ecsTlsVersion(0xfb1a)).toEqual({ protocol: 'tls', version: '1.3' });
    expect(ecsTlsVersion(0xfeff)).toEqual({ protocol: 'dtls', version: '1.0' });
    expect(ecsTlsVersion(0x1a1a)).toBeUndefined();
    expect(ecsTlsVersion(0x0101)).toBeUndefined();
  });

  it.each([
    [0x0304, true], [0x7f17, true], [0x7e02, true], [0xfb17, true], [0xfb1a, true],
    [0x0303, false], [0x0002, false], [0xfefc, false], [0x0a0a, false],
  ])('isTls13(%i) is %s (drafts and variants negotiate as TLS 1.3)', (code, expected) => {
    expect(isTls13(code)).toBe(expected);
    expect(isTls13(null)).toBe(false);
  });
});
