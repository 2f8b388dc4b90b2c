import { EXTENSION_TYPES, LEGACY_EXTENSION_TYPES, extensionTypeName } from './extension-types';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('extension type table', () => {
  it.each([
    [0, 'server_name'], // RFC 6066
    [10, 'supported_groups'], // RFC 8422 / 7919
    [11, 'ec_point_formats'],
    [13, 'signature_algorithms'], // RFC 8446
    [16, 'application_layer_protocol_negotiation'], // RFC 7301
    [21, 'padding'], // RFC 7685
    [22, 'encrypt_then_mac'], // RFC 7366
    [23, 'extended_master_secret'], // RFC 7627
    [35, 'session_ticket'], // RFC 5077
    [41, 'pre_shared_key'], // RFC 8446
    [42, 'early_data'],
    [43, 'supported_versions'],
    [45, 'psk_key_exchange_modes'],
    [51, 'key_share'],
    [65037, 'encrypted_client_hello'],
    [65281, 'renegotiation_info'], // RFC 5746
    [17513, 'application_settings'],
  ])('%i is %s', (code, name) => {
    expect(extensionTypeName(code)).toBe(name);
  });

  it('has no duplicate IANA names and keeps the legacy values apart', () => {
    expect(dupes([...EXTENSION_TYPES.values()])).toEqual([]);
    expect([...LEGACY_EXTENSION_TYPES.keys()].filter((c) => EXTENSION_TYPES.has(c))).toEqual([]);
  });

  it('reports GREASE and unknown values', () => {
    expect(extensionTypeName(0xaaaa)).toBe('GREASE (0xaaaa)');
    expect(extensionTypeName(0x0040)).toBe('0x0040');
  });
});
