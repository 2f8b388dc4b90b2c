import { ByteReader } from './byte-reader';
import type { ClientHello, ServerHello, TlsExtension } from './hello-types';

export const Ext = {
  SERVER_NAME: 0,
  SUPPORTED_GROUPS: 10,
  EC_POINT_FORMATS: 11,
  SIGNATURE_ALGORITHMS: 13,
  ALPN: 16,
  ENCRYPT_THEN_MAC: 22,
  EXTENDED_MASTER_SECRET: 23,
  SESSION_TICKET: 35,
  PRE_SHARED_KEY: 41,
  EARLY_DATA: 42,
  SUPPORTED_VERSIONS: 43,
  KEY_SHARE: 51,
  /** key_share's code point in TLS 1.3 drafts before 23 (and Google's 0x7e0x experiments). */
  KEY_SHARE_DRAFT: 40,
  ENCRYPTED_CLIENT_HELLO: 0xfe0d,
  RENEGOTIATION_INFO: 0xff01,
} as const;

/** Maximum extensions kept per hello (a cap: a hostile hello cannot grow the list). */
export const MAX_EXTENSIONS = 256;

/** The extension list of a hello, in wire order. Returns null when malformed. */
export function readExtensions(r: ByteReader): TlsExtension[] | null {
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
export function interpretClientExtensions(ch: ClientHello): void {
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
        ch.supportedVersions = r.u16List(r.sub(r.u8()));
        break;
      case Ext.SUPPORTED_GROUPS:
        ch.supportedGroups = r.u16List(r.sub(r.u16()));
        break;
      case Ext.EC_POINT_FORMATS:
        ch.ecPointFormats = Array.from(r.view(r.u8()));
        break;
      case Ext.SIGNATURE_ALGORITHMS:
        ch.signatureAlgorithms = r.u16List(r.sub(r.u16()));
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

export function interpretServerExtensions(sh: ServerHello): void {
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
