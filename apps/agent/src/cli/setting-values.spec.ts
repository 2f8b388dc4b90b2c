import { parseDecimal, settingValue, type SettingKind } from './setting-values';

const read = (raw: unknown, kind: SettingKind) => {
  const problems: string[] = [];
  return { value: settingValue(raw, kind, 'x', problems), problems };
};

describe('setting values: one rule for flags, environment and YAML', () => {
  it('numbers are decimal only', () => {
    for (const [t, n] of [['1500', 1500], [' 2.5 ', 2.5], ['-1', -1], ['.5', 0.5], ['7.', 7]] as const) expect(parseDecimal(t)).toBe(n);
    for (const t of ['', 'abc', '1e9', '0x10', '0b1', '1_000', 'Infinity', 'NaN', '1.2.3', '+']) expect(parseDecimal(t)).toBeNull();
    expect(read('0x10', 'number')).toEqual({ value: undefined, problems: ['x: "0x10" is not a decimal number'] });
    expect(read(16, 'number').problems).toEqual(['x: a number is not a decimal number']);
  });

  it('booleans: true/false/1/0/yes/no/on/off in any case, and nothing else', () => {
    for (const t of ['true', 'TRUE', '1', 'yes', 'On', true]) expect(read(t, 'boolean')).toEqual({ value: true, problems: [] });
    for (const t of ['false', '0', 'No', 'off', false]) expect(read(t, 'boolean')).toEqual({ value: false, problems: [] });
    for (const t of ['maybe', '', '2', 'y']) expect(read(t, 'boolean').problems).toHaveLength(1);
  });

  it('lists: comma-separated text or a YAML sequence; number lists read each item as a number', () => {
    expect(read('eth0, lo,,', 'list')).toEqual({ value: ['eth0', 'lo'], problems: [] });
    expect(read(['443,8443', '80'], 'numberList')).toEqual({ value: [443, 8443, 80], problems: [] });
    expect(read(['443', '1e3'], 'numberList')).toEqual({ value: undefined, problems: ['x: "1e3" is not a decimal number'] });
    expect(read({ a: '1' }, 'list').problems).toEqual(['x: a mapping is not a list']);
  });
});
