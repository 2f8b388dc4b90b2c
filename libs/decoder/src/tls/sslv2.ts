import { ByteReader } from './byte-reader';
import type { ServerHello } from './hello-types';
import { Sslv2Message } from './tables/handshake-types';


/**
 * An SSLv2 SERVER-HELLO record body (type 4): session-id-hit, certificate type, version,
 * then the certificate, the server's cipher specs and the connection id. A pure SSLv2
 * server answers this way (zeek/ssl-v2.pcap); the cipher is chosen later, by the client's
 * CLIENT-MASTER-KEY, so `cipherSuite` stays -1 until then. Null when malformed.
 */
export function parseSslv2ServerHello(record: Uint8Array): { hello: ServerHello; sessionIdHit: boolean } | null {
  const r = new ByteReader(record);
  if (r.u8() !== Sslv2Message.SERVER_HELLO) return null;
  const sessionIdHit = r.u8() !== 0;
  r.u8(); // certificate type
  const version = r.u16();
  const certLen = r.u16();
  const specsLen = r.u16();
  const connectionIdLen = r.u16();
  r.view(certLen);
  r.view(specsLen);
  const connectionId = r.view(connectionIdLen);
  if (r.bad || specsLen % 3 !== 0) return null;
  // The connection id is the server's nonce: kept right-aligned as `random`, like the CLIENT-HELLO challenge.
  const random = new Uint8Array(32);
  random.set(connectionId.subarray(Math.max(0, connectionId.length - 32)), 32 - Math.min(32, connectionId.length));
  return {
    hello: {
      version, random, sessionId: new Uint8Array(0), cipherSuite: -1, compressionMethod: 0, extensions: [],
      pskSelected: false, helloRetryRequest: false, sslv2: true,
    },
    sessionIdHit,
  };
}

/** The 3-byte cipher kind a CLIENT-MASTER-KEY (type 2) chose, or null when it is not one. */
export function sslv2MasterKeyCipher(record: Uint8Array): number | null {
  if (record.length < 4 || record[0] !== Sslv2Message.CLIENT_MASTER_KEY) return null;
  return (record[1] << 16) | (record[2] << 8) | record[3];
}
