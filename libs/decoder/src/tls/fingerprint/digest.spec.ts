import { md5Hex, sha256Hex } from './digest';

describe('fingerprint digests (remembered)', () => {
  it('give the standard digests, the first time and every time after', () => {
    for (let i = 0; i < 3; i++) {
      expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
      expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    }
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('stay right past the cache cap', () => {
    for (let i = 0; i < 5000; i++) md5Hex(`771,${i}`);
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});
