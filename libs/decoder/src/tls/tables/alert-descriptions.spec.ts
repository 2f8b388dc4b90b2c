import { ALERT_DESCRIPTIONS, alertDescriptionName, alertLevelName } from './alert-descriptions';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('alert tables', () => {
  it.each([
    [0, 'close_notify'], // RFC 8446 6
    [10, 'unexpected_message'],
    [20, 'bad_record_mac'],
    [21, 'decryption_failed'], // RFC 5246
    [40, 'handshake_failure'],
    [42, 'bad_certificate'],
    [48, 'unknown_ca'],
    [70, 'protocol_version'],
    [80, 'internal_error'],
    [86, 'inappropriate_fallback'], // RFC 7507
    [90, 'user_canceled'],
    [109, 'missing_extension'],
    [110, 'unsupported_extension'],
    [112, 'unrecognized_name'], // RFC 6066
    [116, 'certificate_required'],
    [120, 'no_application_protocol'], // RFC 7301
  ])('%i is %s', (code, name) => {
    expect(alertDescriptionName(code)).toBe(name);
  });

  it('has no duplicate names', () => {
    expect(dupes([...ALERT_DESCRIPTIONS.values()])).toEqual([]);
  });

  it('names levels and unknown values', () => {
    expect(alertLevelName(1)).toBe('warning');
    expect(alertLevelName(2)).toBe('fatal');
    expect(alertLevelName(3)).toBe('0x03');
    expect(alertDescriptionName(200)).toBe('0xc8');
  });
});
