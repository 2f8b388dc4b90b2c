// Test-only: the hello and Certificate parsers as they were before they read in place (commit
// 1604666): a bounds-checked ByteReader, a view per field and per extension, copies by slice.
// The in-place parsers must give the same results on every input (hello-parsers.spec.ts).
import { ByteReader } from '../tls/byte-reader';
import { Ext, MAX_EXTENSIONS } from '../tls/extensions';
import type { ClientHello, ServerHello, TlsExtension } from '../tls/hello-types';

/** A length-prefixed list of 16-bit values (the reader the old parsers had as a method). */
function u16List(r: ByteReader): number[] {
  const out: number[] = [];
  while (r.left >= 2) out.push(r.u16());
  if (r.left !== 0) r.bad = true;
  return out;
}

/** The extension list of a hello, in wire order. Returns null when malformed. */
function readExtensions(r: ByteReader): TlsExtension[] | null {
  if (r.left === 0) return []; // extensions are optional before TLS 1.3
  const wire = r.sub(r.u16());
  // One copy of the whole list, each extension a view into it: hellos outlive the
  // packet they came in, and a copy per extension cost a buffer each.
  const list = new ByteReader(wire.view(wire.left).slice());
  const out: TlsExtension[] = [];
  while (list.left >= 4 && out.length < MAX_EXTENSIONS) {
    const type = list.u16();
    const data = list.view(list.u16());
    out.push({ type, data });
  }
  return list.bad || wire.bad || r.bad ? null : out;
}

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

/** Fill the ClientHello fields that come from its extensions. Malformed ones are skipped. */
function interpretClientExtensions(ch: ClientHello): void {
  for (const e of ch.extensions) {
    const r = new ByteReader(e.data);
    switch (e.type) {
      case Ext.SERVER_NAME: {
        const list = r.sub(r.u16());
        while (list.left >= 3) {
          const type = list.u8();
          const name = list.view(list.u16());
          if (type === 0 && !list.bad && ch.serverName === undefined) ch.serverName = ascii(name);
        }
        break;
      }
      case Ext.ALPN:
        ch.alpn = readAlpnList(r);
        break;
      case Ext.SUPPORTED_VERSIONS:
        ch.supportedVersions = u16List(r.sub(r.u8()));
        break;
      case Ext.SUPPORTED_GROUPS:
        ch.supportedGroups = u16List(r.sub(r.u16()));
        break;
      case Ext.EC_POINT_FORMATS:
        ch.ecPointFormats = Array.from(r.view(r.u8()));
        break;
      case Ext.SIGNATURE_ALGORITHMS:
        ch.signatureAlgorithms = u16List(r.sub(r.u16()));
        break;
      case Ext.KEY_SHARE:
      case Ext.KEY_SHARE_DRAFT: {
        const list = r.sub(r.u16());
        const groups: number[] = [];
        while (list.left >= 4) {
          groups.push(list.u16());
          list.view(list.u16());
        }
        if (e.type === Ext.KEY_SHARE || ch.keyShareGroups === undefined) ch.keyShareGroups = groups;
        break;
      }
      case Ext.PRE_SHARED_KEY:
        ch.pskOffered = true;
        break;
      case Ext.EARLY_DATA:
        ch.earlyData = true;
        break;
      case Ext.SESSION_TICKET:
        ch.sessionTicketPresented = e.data.length > 0;
        break;
      case Ext.ENCRYPTED_CLIENT_HELLO:
        ch.ech = true;
        break;
    }
  }
}

function interpretServerExtensions(sh: ServerHello): void {
  for (const e of sh.extensions) {
    const r = new ByteReader(e.data);
    switch (e.type) {
      case Ext.SUPPORTED_VERSIONS:
        if (e.data.length === 2) sh.selectedVersion = r.u16();
        break;
      case Ext.KEY_SHARE:
      case Ext.KEY_SHARE_DRAFT:
        if (e.data.length >= 2) sh.keyShareGroup = r.u16(); // ServerHello: one entry; HRR: the group only
        break;
      case Ext.ALPN: {
        const list = readAlpnList(r);
        if (list && list.length > 0) sh.alpn = list[0];
        break;
      }
      case Ext.PRE_SHARED_KEY:
        sh.pskSelected = true;
        break;
    }
  }
}

function readAlpnList(r: ByteReader): string[] | undefined {
  const list = r.sub(r.u16());
  const out: string[] = [];
  while (list.left >= 1) {
    const p = list.view(list.u8());
    if (list.bad) break;
    out.push(ascii(p));
  }
  return out;
}

/** Caps that keep a hostile hello small. */
const MAX_CIPHER_SUITES = 1024;

/** ClientHello body (after the 4-byte handshake header). Null when malformed. */
export function refParseClientHello(body: Uint8Array): ClientHello | null {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.view(32).slice();
  const sessionId = r.view(r.u8()).slice();
  const suites = r.sub(r.u16());
  const cipherSuites = u16List(suites).slice(0, MAX_CIPHER_SUITES);
  const compressionMethods = Array.from(r.view(r.u8()));
  if (r.bad || suites.bad) return null;
  const extensions = readExtensions(r);
  if (extensions === null) return null;
  const ch: ClientHello = {
    version, random, sessionId, cipherSuites, compressionMethods, extensions,
    pskOffered: false, earlyData: false, sessionTicketPresented: false, ech: false, sslv2: false,
  };
  interpretClientExtensions(ch);
  return ch;
}

/** SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

/**
 * TLS 1.3 drafts before 22 dropped session_id and compression_method from the ServerHello
 * (draft-ietf-tls-tls13-21 4.1.3; draft 22 put them back for middlebox compatibility).
 * Their ServerHello carries the draft version (0x7f00 + n); some draft-era servers sent
 * 0x0304 there, which no final TLS 1.3 server does (legacy_version is 0x0303).
 */
function draftLayout(version: number): boolean {
  return (version & 0xff00) === 0x7f00 && (version & 0xff) < 22;
}

/** ServerHello body (after the handshake header). Null when malformed. */
export function refParseServerHello(body: Uint8Array): ServerHello | null {
  const version = body.length >= 2 ? (body[0] << 8) | body[1] : 0;
  if (version !== 0x0304) return parse(body, draftLayout(version), false);
  // 0x0304 is ambiguous: the draft layout must then account for every byte, else the final one.
  return parse(body, true, true) ?? parse(body, false, false);
}

function parse(body: Uint8Array, draft: boolean, exact: boolean): ServerHello | null {
  const r = new ByteReader(body);
  const version = r.u16();
  const random = r.view(32).slice();
  const sessionId = draft ? new Uint8Array(0) : r.view(r.u8()).slice();
  const cipherSuite = r.u16();
  const compressionMethod = draft ? 0 : r.u8();
  if (r.bad) return null;
  const extensions = readExtensions(r);
  if (extensions === null || (exact && r.left !== 0)) return null;
  const sh: ServerHello = {
    version, random, sessionId, cipherSuite, compressionMethod, extensions,
    pskSelected: false, helloRetryRequest: random.every((b, i) => b === HRR_RANDOM[i]), sslv2: false,
  };
  interpretServerExtensions(sh);
  return sh;
}

/** Cap on certificates kept from one Certificate message. */
const MAX_CERTIFICATES = 16;

/** TLS <= 1.2 Certificate body: the DER certificates in chain order (copies). */
export function refParseCertificateList(body: Uint8Array): Uint8Array[] | null {
  const r = new ByteReader(body);
  const list = r.sub(r.u24());
  const out: Uint8Array[] = [];
  while (list.left >= 3 && out.length < MAX_CERTIFICATES) out.push(list.view(list.u24()).slice());
  return list.bad || r.bad ? null : out;
}

