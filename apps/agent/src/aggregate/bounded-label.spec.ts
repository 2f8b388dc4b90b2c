import { OPEN_LABEL_VALUE, OTHER } from '@shakewatch/protocol';
import fc from 'fast-check';
import { BoundedLabel, labelSafe } from './bounded-label';

describe('BoundedLabel', () => {
  it('passes the first cap values, folds later new ones into other and counts each fold', () => {
    const l = new BoundedLabel('cipher', 2);
    expect([l.value('a'), l.value('b'), l.value('a'), l.value('c'), l.value('d'), l.value('c')]).toEqual(['a', 'b', 'a', OTHER, OTHER, OTHER]);
    expect(l.folded).toBe(3);
  });

  it('whatever the wire says, the value is one the protocol allows', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      expect(labelSafe(s)).toMatch(OPEN_LABEL_VALUE);
    }));
    expect(labelSafe('TLS_AES_128_GCM_SHA256')).toBe('TLS_AES_128_GCM_SHA256');
    expect(labelSafe('GREASE (0x0a0a)')).toBe('GREASE (0x0a0a)');
    expect(labelSafe('a"b\nc')).toBe('a_b_c');
  });
});
