import { copyBytes } from '../bytes';
import { byteListAt, latin1At, u16At, u16ListAt } from './byte-reader';
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

/**
 * One extension of a parsed hello: its type, and where its body lies in the hello's own
 * copy of its bytes (`bytes[start, end)`). `data`, a view of the body, is made on first
 * read and kept: the fingerprints read the bodies of three types, nothing reads the rest.
 */
export class HelloExtension implements TlsExtension {
  private view: Uint8Array | undefined = undefined;

  constructor(readonly type: number, readonly bytes: Uint8Array, readonly start: number, readonly end: number) {}

  get data(): Uint8Array {
    return (this.view ??= this.bytes.subarray(this.start, this.end));
  }
}

/**
 * Checks the optional extension block of a hello at b[o, end): nothing left is no block (no
 * extensions); else its u16 length must fit, and so must the body of each extension header
 * whose 4 bytes fit, among the first MAX_EXTENSIONS (1 to 3 bytes after the last are ignored,
 * and so is what follows the block). Returns how many extensions the block holds, -1 when
 * malformed. Reads in place: the hello is copied only once it is known to be well formed.
 */
export function countExtensions(b: Uint8Array, o: number, end: number): number {
  if (o >= end) return 0; // extensions are optional before TLS 1.3
  if (end - o < 2) return -1;
  const listEnd = o + 2 + u16At(b, o);
  if (listEnd > end) return -1;
  let n = 0;
  for (let p = o + 2; listEnd - p >= 4 && n < MAX_EXTENSIONS; n++) {
    p += 4 + u16At(b, p + 2);
    if (p > listEnd) return -1;
  }
  return n;
}

/** Offset after the extension block at b[o, end) (o itself when there is none); countExtensions() said it is well formed. */
export function extensionBlockEnd(b: Uint8Array, o: number, end: number): number {
  return o >= end ? o : o + 2 + u16At(b, o);
}

/**
 * The `n` extensions (countExtensions) of the block at b[o, blockEnd). The block is copied
 * (a hello outlives its packet; not when it holds none), each body a view into the copy
 * made only when read.
 */
export function readExtensions(b: Uint8Array, o: number, blockEnd: number, n: number): HelloExtension[] {
  const out: HelloExtension[] = new Array(n);
  if (n === 0) return out;
  const own = copyBytes(b, o, blockEnd);
  let p = 2;
  for (let i = 0; i < n; i++) {
    const start = p + 4;
    const end = start + u16At(own, p + 2);
    out[i] = new HelloExtension(u16At(own, p), own, start, end);
    p = end;
  }
  return out;
}

/**
 * Fill the ClientHello fields that come from its extensions, reading each body in place.
 * Malformed ones are skipped, as a bounds-checked reader that returns zeros past the end
 * (and an empty vector for a length that overruns) would read them.
 */
export function interpretClientExtensions(ch: ClientHello, extensions: readonly HelloExtension[]): void {
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    const b = e.bytes;
    const start = e.start;
    const end = e.end;
    switch (e.type) {
      case Ext.SERVER_NAME:
        if (ch.serverName === undefined) ch.serverName = firstHostName(b, start, end);
        break;
      case Ext.ALPN:
        ch.alpn = alpnList(b, start, end);
        break;
      case Ext.SUPPORTED_VERSIONS: {
        const listEnd = vector8End(b, start, end);
        ch.supportedVersions = listEnd < 0 ? [] : u16ListAt(b, start + 1, listEnd);
        break;
      }
      case Ext.SUPPORTED_GROUPS:
        ch.supportedGroups = u16Vector(b, start, end);
        break;
      case Ext.EC_POINT_FORMATS: {
        const listEnd = vector8End(b, start, end);
        ch.ecPointFormats = listEnd < 0 ? [] : byteListAt(b, start + 1, listEnd);
        break;
      }
      case Ext.SIGNATURE_ALGORITHMS:
        ch.signatureAlgorithms = u16Vector(b, start, end);
        break;
      case Ext.KEY_SHARE:
      case Ext.KEY_SHARE_DRAFT:
        if (e.type === Ext.KEY_SHARE || ch.keyShareGroups === undefined) ch.keyShareGroups = keyShareGroups(b, start, end);
        break;
      case Ext.PRE_SHARED_KEY:
        ch.pskOffered = true;
        break;
      case Ext.EARLY_DATA:
        ch.earlyData = true;
        break;
      case Ext.SESSION_TICKET:
        ch.sessionTicketPresented = end > start;
        break;
      case Ext.ENCRYPTED_CLIENT_HELLO:
        ch.ech = true;
        break;
    }
  }
}

export function interpretServerExtensions(sh: ServerHello, extensions: readonly HelloExtension[]): void {
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    const b = e.bytes;
    const start = e.start;
    const end = e.end;
    switch (e.type) {
      case Ext.SUPPORTED_VERSIONS:
        if (end - start === 2) sh.selectedVersion = u16At(b, start);
        break;
      case Ext.KEY_SHARE:
      case Ext.KEY_SHARE_DRAFT:
        if (end - start >= 2) sh.keyShareGroup = u16At(b, start); // ServerHello: one entry; HRR: the group only
        break;
      case Ext.ALPN: {
        // The first protocol of the list, when that list and its first entry fit.
        const listEnd = vector16End(b, start, end);
        if (listEnd > start + 2) {
          const n = b[start + 2];
          if (start + 3 + n <= listEnd) sh.alpn = latin1At(b, start + 3, start + 3 + n);
        }
        break;
      }
      case Ext.PRE_SHARED_KEY:
        sh.pskSelected = true;
        break;
    }
  }
}

/** End of the u8-length vector at b[start, end), -1 when its length byte is missing or it overruns. */
function vector8End(b: Uint8Array, start: number, end: number): number {
  if (end - start < 1) return -1;
  const listEnd = start + 1 + b[start];
  return listEnd <= end ? listEnd : -1;
}

/** End of the u16-length vector at b[start, end), -1 when its length is missing or it overruns. */
function vector16End(b: Uint8Array, start: number, end: number): number {
  if (end - start < 2) return -1;
  const listEnd = start + 2 + u16At(b, start);
  return listEnd <= end ? listEnd : -1;
}

/** A u16-length vector of u16 values (supported_groups, signature_algorithms); [] when it overruns. */
function u16Vector(b: Uint8Array, start: number, end: number): number[] {
  const listEnd = vector16End(b, start, end);
  return listEnd < 0 ? [] : u16ListAt(b, start + 2, listEnd);
}

/** server_name: the first host_name entry (type 0) that fits its list, else undefined. */
function firstHostName(b: Uint8Array, start: number, end: number): string | undefined {
  const listEnd = vector16End(b, start, end);
  for (let p = start + 2; listEnd - p >= 3; ) {
    const type = b[p];
    const nameEnd = p + 3 + u16At(b, p + 1);
    if (nameEnd > listEnd) return undefined; // overruns: nothing after it is read
    if (type === 0) return latin1At(b, p + 3, nameEnd);
    p = nameEnd;
  }
  return undefined;
}

/** ALPN protocol names up to the first that overruns the list ([] when the list itself does). */
function alpnList(b: Uint8Array, start: number, end: number): string[] {
  const listEnd = vector16End(b, start, end);
  let n = 0;
  let p = start + 2;
  for (; listEnd - p >= 1 && p + 1 + b[p] <= listEnd; n++) p += 1 + b[p];
  const out: string[] = new Array(n);
  p = start + 2;
  for (let i = 0; i < n; i++) {
    out[i] = latin1At(b, p + 1, p + 1 + b[p]);
    p += 1 + b[p];
  }
  return out;
}

/** key_share: the group of each entry whose 4-byte header fits (its key may overrun: the group still counts). */
function keyShareGroups(b: Uint8Array, start: number, end: number): number[] {
  const listEnd = vector16End(b, start, end);
  let n = 0;
  for (let p = start + 2; listEnd - p >= 4; n++) p += 4 + u16At(b, p + 2);
  const out: number[] = new Array(n);
  for (let i = 0, p = start + 2; i < n; i++) {
    out[i] = u16At(b, p);
    p += 4 + u16At(b, p + 2);
  }
  return out;
}
