import { serverKeyExchangeGroup } from './handshake-messages';
import { hexBytes } from '../testing/tls-streams';

describe('serverKeyExchangeGroup', () => {
  it('reads the named curve of ECParameters (zeek/tls-fragmented-handshake.pcap: secp256r1)', () => {
    expect(serverKeyExchangeGroup(hexBytes('030017410482801ba006'))).toBe(23);
  });

  it('skips the psk_identity_hint of an ECDHE_PSK exchange first (RFC 5489 2; synthetic)', () => {
    // hint "id" (00 02 69 64), then curve_type 3, x25519
    expect(serverKeyExchangeGroup(hexBytes('0002696403001d20'), true)).toBe(29);
    expect(serverKeyExchangeGroup(hexBytes('0002696403001d20'))).toBeNull();
  });

  it('gives no group for explicit curves or a short body', () => {
    expect(serverKeyExchangeGroup(hexBytes('01'))).toBeNull();
    expect(serverKeyExchangeGroup(hexBytes('0300'))).toBeNull();
    expect(serverKeyExchangeGroup(hexBytes('00ff'), true)).toBeNull();
  });
});
