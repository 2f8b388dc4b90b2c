import { greaseName, hex, isGrease } from './grease';

describe('GREASE helpers', () => {
  it('recognises exactly the 16 RFC 8701 values', () => {
    const all = Array.from({ length: 0x10000 }, (_, v) => v).filter(isGrease);
    expect(all).toHaveLength(16);
    expect(all[0]).toBe(0x0a0a);
    expect(all[15]).toBe(0xfafa);
    expect(isGrease(0x0a1a)).toBe(false);
    expect(isGrease(0x0b0b)).toBe(false);
  });

  it('formats hex and GREASE names', () => {
    expect(hex(0x1a, 2)).toBe('0x1a');
    expect(hex(0x1a, 4)).toBe('0x001a');
    expect(greaseName(0x1a1a)).toBe('GREASE (0x1a1a)');
  });
});
