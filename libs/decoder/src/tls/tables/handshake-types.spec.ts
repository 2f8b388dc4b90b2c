import {
  CONTENT_TYPES, ContentType, HANDSHAKE_TYPES, HandshakeType, SSL2_MESSAGE_TYPES, Sslv2Message, contentTypeName, handshakeTypeName, ssl2MessageTypeName,
} from './handshake-types';

const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe('handshake and content type tables', () => {
  it.each([
    [0, 'hello_request'], // RFC 5246 7.4
    [1, 'client_hello'],
    [2, 'server_hello'],
    [4, 'new_session_ticket'], // RFC 5077
    [5, 'end_of_early_data'], // RFC 8446 4
    [8, 'encrypted_extensions'],
    [11, 'certificate'],
    [12, 'server_key_exchange'],
    [13, 'certificate_request'],
    [14, 'server_hello_done'],
    [15, 'certificate_verify'],
    [16, 'client_key_exchange'],
    [20, 'finished'],
    [22, 'certificate_status'], // RFC 6066
    [24, 'key_update'],
    [254, 'message_hash'],
  ])('handshake type %i is %s', (code, name) => {
    expect(handshakeTypeName(code)).toBe(name);
  });

  it.each([
    [20, 'change_cipher_spec'], // RFC 8446 5.1
    [21, 'alert'],
    [22, 'handshake'],
    [23, 'application_data'],
    [24, 'heartbeat'], // RFC 6520
  ])('content type %i is %s', (code, name) => {
    expect(contentTypeName(code)).toBe(name);
  });

  it('has no duplicate names', () => {
    expect(dupes([...HANDSHAKE_TYPES.values()])).toEqual([]);
    expect(dupes([...CONTENT_TYPES.values()])).toEqual([]);
  });

  it('names SSLv2 messages and unknown values', () => {
    expect(ssl2MessageTypeName(2)).toBe('client_master_key');
    expect(handshakeTypeName(67)).toBe('next_protocol');
    expect(handshakeTypeName(7)).toBe('0x07');
    expect(contentTypeName(0x80)).toBe('0x80');
  });

  it('names the constants the decoder acts on as the tables name their codes', () => {
    const named = (constants: Record<string, number>, table: ReadonlyMap<number, string>) =>
      Object.entries(constants).filter(([name, code]) => table.get(code) !== name.toLowerCase());
    expect(named(HandshakeType, HANDSHAKE_TYPES)).toEqual([]);
    expect(named(ContentType, CONTENT_TYPES)).toEqual([]);
    expect(named(Sslv2Message, SSL2_MESSAGE_TYPES)).toEqual([]);
  });
});
