import { copyBytes, sameBytes } from '../bytes';
import { parseClientHello, parseSslv2ClientHello } from './client-hello';
import { latin1At } from './byte-reader';
import { HandshakeAssembler, type HandshakeSink } from './handshake-assembler';
import { parseCertificateList, serverKeyExchangeGroup } from './handshake-messages';
import type { ClientHello, ServerHello } from './hello-types';
import { ContentType, looksLikeSslv2Hello, looksLikeSslv2ServerHello, looksLikeTlsRecord, RecordStream, type RecordSink } from './record-stream';
import { parseServerHello } from './server-hello';
import { parseSslv2ServerHello, Sslv2Message, sslv2MasterKeyCipher } from './sslv2';
import { cipherSuiteName } from './tables/cipher-suites';

export const HandshakeType = {
  HELLO_REQUEST: 0, CLIENT_HELLO: 1, SERVER_HELLO: 2, NEW_SESSION_TICKET: 4, END_OF_EARLY_DATA: 5,
  ENCRYPTED_EXTENSIONS: 8, CERTIFICATE: 11, SERVER_KEY_EXCHANGE: 12, CERTIFICATE_REQUEST: 13,
  SERVER_HELLO_DONE: 14, CERTIFICATE_VERIFY: 15, CLIENT_KEY_EXCHANGE: 16, FINISHED: 20, CERTIFICATE_STATUS: 22,
} as const;

/** Cap on one handshake message (a certificate chain fits easily). */
export const MAX_HANDSHAKE_MESSAGE = 256 * 1024;
/** Plaintext bytes scanned per direction for a STARTTLS upgrade before giving up. */
export const STARTTLS_SCAN_BYTES = 16 * 1024;
const MAX_ALERTS = 8;
// No CONNECT: a proxy tunnel carries TLS after the proxy's "200" (ja4/https-connect.pcap).
/** How HTTP/1 streams open: a request method and a space, or a response's version (at most 8 characters). */
const HTTP_STARTS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'TRACE ', 'HTTP/1.'];
const HTTP_START_BYTES = HTTP_STARTS.map((w) => Uint8Array.from(w, (ch) => ch.charCodeAt(0)));
const opensHttpText = (text: string): boolean => HTTP_STARTS.some((w) => text.startsWith(w));
const MAX_MESSAGES = 64;
/** Suites whose ServerKeyExchange carries ECParameters (RFC 8422 5.4): ECDHE_*, ECDH_anon_*. */
const ECDH_SUITE = /^TLS_ECDH(E_|_anon_)/;

export type TlsSide = 0 | 1; // 0 = client, 1 = server
export type TlsMessageKind = 'handshake' | 'encrypted_handshake' | 'change_cipher_spec' | 'alert' | 'application_data' | 'sslv2_client_hello';

/** One TLS message on the wire, for the ladder. */
export interface TlsMessage {
  side: TlsSide;
  tsSec: number;
  tsNsec: number;
  kind: TlsMessageKind;
  handshakeType?: number;
  alert?: { level: number; description: number };
}

export interface TlsAlert {
  level: number | null; // null: encrypted
  description: number | null;
  sender: 'client' | 'server';
}

/**
 * One side of a session. It is also the sink of that side's record stream and handshake
 * assembler, which hand it records and messages in place (no view, no closure per side);
 * the session methods it calls are public for it alone (@internal).
 */
/**
 * About what a session costs (measured): the session with its two directions, each hello
 * parsed (arrays of suites, extensions, names), and one recorded ladder message.
 */
const SESSION_BYTES = 768;
const HELLO_BYTES = 1536;
const MESSAGE_BYTES = 256;

class Direction implements RecordSink, HandshakeSink {
  /** Made when this side turns out to speak TLS: most connections never need them. */
  records: RecordStream | null = null;
  handshakes: HandshakeAssembler | null = null;
  /** This side sent ChangeCipherSpec (TLS <= 1.2): its later handshake records are encrypted. */
  ccs = false;
  /** An encrypted handshake record after CCS (Finished), or a TLS 1.3 encrypted flight. */
  finished = false;
  appData = false;
  plaintextScanned = 0;
  mode: 'detect' | 'tls' | 'plaintext' | 'off' = 'detect';
  /** First bytes too few to tell TLS from plaintext yet. */
  early: Uint8Array | null = null;

  constructor(private readonly session: TlsSession, private readonly side: TlsSide) {}

  record(type: number, version: number, body: Uint8Array): void {
    this.recordAt(type, version, body, 0, body.length);
  }

  recordAt(type: number, _version: number, b: Uint8Array, offset: number, length: number): void {
    this.session.record(this.side, type, b, offset, length);
  }

  sslv2(body: Uint8Array): void {
    this.session.sslv2(this.side, body);
  }

  malformed(): void {
    this.session.fail(this.side);
  }

  message(type: number, body: Uint8Array): void {
    this.messageAt(type, body, 0, body.length);
  }

  messageAt(type: number, b: Uint8Array, offset: number, length: number): void {
    this.session.handshake(this.side, type, b, offset, length);
  }

  oversized(type: number): void {
    this.session.note(this.side, 'handshake', type);
  }
}

/**
 * One connection's TLS handshake, fed with each direction's in-order bytes. Parses
 * hellos, certificates, key exchange group, CCS, alerts and the encrypted flights, and
 * tells when the handshake is over so the reassemblers can stop buffering.
 */
export class TlsSession {
  clientHello: ClientHello | null = null;
  clientHellos = 0;
  /** The first ServerHello that is not a HelloRetryRequest: the one that negotiates. */
  serverHello: ServerHello | null = null;
  /** A HelloRetryRequest (TLS 1.3): the first ServerHello on the wire when present (JA3S). */
  helloRetry: ServerHello | null = null;
  certificates: Uint8Array[] | null = null;
  keyExchangeGroup: number | null = null;
  /** The server sent ServerHelloDone: a full TLS <= 1.2 handshake, not a resumption. */
  serverHelloDone = false;
  newSessionTicket = false;
  alerts: TlsAlert[] = [];
  malformed = 0;
  gaps = 0;
  /** Plaintext protocol before a STARTTLS-style upgrade (first bytes seen). */
  upgradedFrom: string | null = null;
  startSec = -1;
  startNsec = 0;
  endSec = -1;
  endNsec = 0;
  established = false;
  /** No more bytes are needed: handshake over, failed, or not TLS. */
  done = false;
  messages: TlsMessage[] | null;
  private readonly dirs: [Direction, Direction];
  private tsSec = 0;
  private tsNsec = 0;
  /** SSLv2: the CLIENT-MASTER-KEY went out (or the session was resumed): records are encrypted. */
  private sslv2Keyed = false;
  private sslv2Resumed = false;
  private plaintextPrefix = '';

  constructor(recordMessages: boolean) {
    this.messages = recordMessages ? [] : null;
    this.dirs = [new Direction(this, 0), new Direction(this, 1)];
  }

  /**
   * About what the session holds, for the tracker's memory budget: the session and its
   * parsed hellos, bytes waiting for the rest of a record or message, and
   * the certificates kept.
   */
  get heldBytes(): number {
    let n = SESSION_BYTES + (this.messages?.length ?? 0) * MESSAGE_BYTES;
    if (this.clientHello !== null) n += HELLO_BYTES;
    if (this.serverHello !== null) n += HELLO_BYTES;
    if (this.helloRetry !== null) n += HELLO_BYTES;
    for (const d of this.dirs) n += (d.records?.heldBytes ?? 0) + (d.handshakes?.heldBytes ?? 0) + (d.early?.length ?? 0);
    if (this.certificates !== null) for (const c of this.certificates) n += c.length + 64;
    return n;
  }

  get helloRetryRequest(): boolean {
    return this.helloRetry !== null;
  }

  get isTls(): boolean {
    return this.clientHello !== null || this.serverHello !== null;
  }

  /** The negotiated version: supported_versions of the ServerHello, else its legacy version. */
  get version(): number | null {
    if (this.serverHello === null) return null;
    return this.serverHello.selectedVersion ?? this.serverHello.version;
  }

  get resumed(): boolean {
    const ch = this.clientHello;
    const sh = this.serverHello;
    if (ch === null || sh === null) return false;
    if (sh.sslv2) return this.sslv2Resumed;
    if (isTls13(this.version)) return sh.pskSelected;
    const sessionEcho = ch.sessionId.length > 0 && ch.sessionId.length === sh.sessionId.length && sameBytes(ch.sessionId, sh.sessionId);
    // Abbreviated handshake (ticket or id): the server's CCS came without a ServerHelloDone.
    return sessionEcho || (this.dirs[1].ccs && !this.serverHelloDone);
  }

  /** Bytes from one side, in order. `tsSec/tsNsec`: the segment that brought them. */
  data(side: TlsSide, bytes: Uint8Array, tsSec: number, tsNsec: number): void {
    if (this.done) return;
    this.tsSec = tsSec;
    this.tsNsec = tsNsec;
    if (this.dirs[side].mode === 'detect') this.detect(side, bytes);
    else this.deliver(side, bytes);
  }

  /**
   * A side's first bytes tell TLS (or SSLv2 framing) from plaintext. Too few to tell (a TLS
   * header is 5 bytes, an SSLv2 hello's telling part 7; DPI-evasion tools split a ClientHello
   * after its first byte) wait for the next delivery.
   */
  private detect(side: TlsSide, bytes: Uint8Array): void {
    const d = this.dirs[side];
    const early = d.early;
    let b = bytes;
    if (early !== null) {
      b = new Uint8Array(early.length + bytes.length);
      b.set(early);
      b.set(bytes, early.length);
    }
    if (b.length < 7 && !looksLikeTlsRecord(b)) {
      d.early = early === null ? copyBytes(bytes, 0, bytes.length) : b;
      return;
    }
    d.early = null;
    if (looksLikeTlsRecord(b) || (side === 0 ? looksLikeSslv2Hello(b) : looksLikeSslv2ServerHello(b))) {
      this.startTls(side).push(b);
      return;
    }
    d.mode = 'plaintext';
    // Keep the deliveries apart: the STARTTLS rule looks for TLS at the start of one
    // (PostgreSQL answers its SSLRequest with the single byte 'S', then the ServerHello).
    if (early !== null) this.deliver(side, early);
    if (!this.done) this.deliver(side, bytes); // (a side turned off ignores it)
  }

  private deliver(side: TlsSide, bytes: Uint8Array): void {
    const d = this.dirs[side];
    if (d.mode === 'plaintext') {
      // STARTTLS and friends: TLS begins at the start of a later segment.
      if (d.plaintextScanned > 0 && looksLikeTlsRecord(bytes) && bytes[0] === ContentType.HANDSHAKE) {
        this.startTls(side);
        this.upgradedFrom ??= guessPlaintextProtocol(this.plaintextPrefix);
      } else {
        // The prefix only grows (to 16 characters or a few more): tested when it does, as
        // a test that failed on it fails again.
        const grew = this.plaintextPrefix.length < 16 && bytes.length > 0;
        if (grew) this.plaintextPrefix += latin1At(bytes, 0, Math.min(16, bytes.length));
        d.plaintextScanned += bytes.length;
        if (grew && opensHttpText(this.plaintextPrefix)) {
          // HTTP/1 never upgrades to TLS in-band: stop scanning both sides at once.
          this.off(0);
          this.off(1);
        } else if (d.plaintextScanned > STARTTLS_SCAN_BYTES) {
          this.off(side);
        }
        return;
      }
    }
    if (d.records !== null && d.mode === 'tls') d.records.push(bytes);
  }

  /** Bytes of one side were never captured: its record stream cannot be trusted any more. */
  gap(side: TlsSide): void {
    this.gaps++;
    this.off(side);
  }

  /** Stop reading one side; with both sides off there is nothing left to buffer. */
  private off(side: TlsSide): void {
    const d = this.dirs[side];
    d.mode = 'off';
    d.records?.stop();
    d.handshakes?.stop();
    d.early = null;
    if (this.dirs[0].mode === 'off' && this.dirs[1].mode === 'off') this.done = true;
  }

  /** This side speaks TLS from here: its record stream and handshake assembler. */
  private startTls(side: TlsSide): RecordStream {
    const d = this.dirs[side];
    d.mode = 'tls';
    d.handshakes ??= new HandshakeAssembler(d, MAX_HANDSHAKE_MESSAGE);
    return (d.records ??= new RecordStream(d));
  }

  /** @internal A record of one side: `length` bytes of `b` from `offset`, valid only during the call. */
  record(side: TlsSide, type: number, b: Uint8Array, offset: number, length: number): void {
    const d = this.dirs[side];
    switch (type) {
      case ContentType.HANDSHAKE:
        if (d.ccs) {
          d.finished = true;
          this.note(side, 'encrypted_handshake');
          this.checkEstablished();
        } else {
          d.handshakes?.push(b, offset, length);
        }
        return;
      case ContentType.CHANGE_CIPHER_SPEC:
        this.note(side, 'change_cipher_spec');
        // TLS 1.3 sends CCS only for middlebox compatibility: nothing changes. Before the
        // ServerHello it is always that (TLS <= 1.2 sends CCS after it): a client's CCS
        // before its second ClientHello, a server's after its HelloRetryRequest.
        if (this.serverHello !== null && !isTls13(this.version)) d.ccs = true;
        return;
      case ContentType.ALERT:
        // TLS 1.3 hides encrypted alerts inside application_data records, so a record of
        // type alert is plaintext there; before 1.3 it is encrypted after the sender's CCS.
        this.alert(side, b, offset, length, d.ccs);
        return;
      case ContentType.APPLICATION_DATA:
        // Application data before any hello: the capture began after the handshake.
        // Nothing on this side can follow that we need: stop reading it.
        if (!this.isTls) return this.off(side);
        this.note(side, 'application_data');
        d.appData = true;
        if (isTls13(this.version) && this.serverHello !== null) d.finished = true; // the encrypted flight
        this.checkEstablished();
        return;
      default:
        return; // heartbeat
    }
  }

  /** @internal A handshake message of one side: `length` bytes of `b` from `offset`, valid only during the call. */
  handshake(side: TlsSide, type: number, b: Uint8Array, offset: number, length: number): void {
    if (this.done) return;
    this.note(side, 'handshake', type);
    switch (type) {
      case HandshakeType.CLIENT_HELLO: {
        if (side !== 0) return;
        const ch = parseClientHello(b, offset, length);
        if (ch === null) return this.fail(side);
        this.clientHellos++;
        if (this.clientHello === null) {
          this.clientHello = ch;
          this.startSec = this.tsSec;
          this.startNsec = this.tsNsec;
        }
        return;
      }
      case HandshakeType.SERVER_HELLO: {
        if (side !== 1) return;
        const sh = parseServerHello(b, offset, length);
        if (sh === null) return this.fail(side);
        if (sh.helloRetryRequest) this.helloRetry ??= sh;
        else this.serverHello ??= sh;
        return;
      }
      case HandshakeType.CERTIFICATE:
        if (side === 1 && this.certificates === null) this.certificates = parseCertificateList(b, offset, length);
        return;
      case HandshakeType.SERVER_KEY_EXCHANGE:
        // Its layout depends on the key exchange: read a named curve only for (EC)DHE suites,
        // not from a DHE prime whose length happens to start with 3, or an unknown suite.
        if (side === 1 && this.serverHello !== null) {
          const suite = cipherSuiteName(this.serverHello.cipherSuite);
          if (ECDH_SUITE.test(suite)) this.keyExchangeGroup = serverKeyExchangeGroup(b, suite.startsWith('TLS_ECDHE_PSK_'), offset, length);
        }
        return;
      case HandshakeType.SERVER_HELLO_DONE:
        if (side === 1) this.serverHelloDone = true;
        return;
      case HandshakeType.NEW_SESSION_TICKET:
        this.newSessionTicket = true;
        return;
      default:
        return;
    }
  }

  /**
   * An SSLv2-framed record. The first client record is a CLIENT-HELLO (SSLv2-compatible:
   * the server may answer in TLS). A pure SSLv2 server answers with a SERVER-HELLO; the
   * client's CLIENT-MASTER-KEY then picks the cipher, and every later record of either
   * side is encrypted (CLIENT-FINISHED, SERVER-VERIFY...): one from each means established.
   * In the ladder the SSLv2 hellos and master key show as their TLS counterparts.
   * @internal Called by the side's Direction (the sink of its record stream).
   */
  sslv2(side: TlsSide, body: Uint8Array): void {
    if (side === 0 && this.clientHello === null) {
      this.note(0, 'sslv2_client_hello');
      const ch = parseSslv2ClientHello(body);
      if (ch === null) return this.fail(0);
      this.clientHellos++;
      this.clientHello = ch;
      this.startSec = this.tsSec;
      this.startNsec = this.tsNsec;
      return;
    }
    if (side === 1 && this.serverHello === null) {
      this.note(1, 'handshake', HandshakeType.SERVER_HELLO);
      const parsed = parseSslv2ServerHello(body);
      if (parsed === null) return this.fail(1);
      this.serverHello = parsed.hello;
      // Session-id-hit: a resumed SSLv2 session has no CLIENT-MASTER-KEY; keys are set.
      this.sslv2Resumed = this.sslv2Keyed = parsed.sessionIdHit;
      return;
    }
    const sh = this.serverHello;
    if (sh === null || !sh.sslv2) return this.fail(side); // SSLv2 framing in a TLS handshake
    if (!this.sslv2Keyed) {
      const cipher = side === 0 ? sslv2MasterKeyCipher(body) : null;
      if (cipher !== null) {
        this.note(0, 'handshake', HandshakeType.CLIENT_KEY_EXCHANGE);
        sh.cipherSuite = cipher;
        this.sslv2Keyed = true;
      } else if (body[0] !== Sslv2Message.ERROR) {
        return this.fail(side);
      }
      return;
    }
    this.note(side, 'encrypted_handshake');
    this.dirs[side].finished = true;
    this.checkEstablished();
  }

  private alert(side: TlsSide, b: Uint8Array, offset: number, length: number, encrypted: boolean): void {
    const plain = !encrypted && length === 2;
    const level = b[offset];
    const description = b[offset + 1];
    if (this.messages && this.messages.length < MAX_MESSAGES) {
      this.messages.push({ side, tsSec: this.tsSec, tsNsec: this.tsNsec, kind: 'alert', alert: plain ? { level, description } : undefined });
    }
    if (this.alerts.length < MAX_ALERTS) {
      this.alerts.push({ level: plain ? level : null, description: plain ? description : null, sender: side === 0 ? 'client' : 'server' });
    }
    // A fatal alert during the handshake ends it.
    if (plain && level === 2 && !this.established) this.done = true;
  }

  private checkEstablished(): void {
    if (this.established || this.serverHello === null) return;
    if (!this.dirs[0].finished || !this.dirs[1].finished) return;
    this.established = true;
    this.endSec = this.tsSec;
    this.endNsec = this.tsNsec;
    this.done = true;
  }

  /** @internal One message for the ladder. */
  note(side: TlsSide, kind: TlsMessageKind, handshakeType?: number): void {
    if (this.messages && this.messages.length < MAX_MESSAGES) this.messages.push({ side, tsSec: this.tsSec, tsNsec: this.tsNsec, kind, handshakeType });
  }

  /** @internal A side is not (or no longer) TLS. */
  fail(side: TlsSide): void {
    this.malformed++;
    this.off(side);
  }
}

/**
 * One side's first stream bytes (`n` of them at `o`) open HTTP/1: a session fed them would
 * find plaintext, see HTTP_STARTS and stop reading both sides at once, with nothing noted
 * and no TLS. feedTls then makes no session and no reassembly at all (most plain
 * connections are HTTP). The same tests detect() and deliver() make on a first delivery.
 */
export function opensHttp(b: Uint8Array, o: number, n: number, side: TlsSide): boolean {
  if (n < 7 || looksLikeTlsRecord(b, o) || (side === 0 ? looksLikeSslv2Hello(b, o) : looksLikeSslv2ServerHello(b, o))) return false;
  for (const word of HTTP_START_BYTES) {
    if (word.length > n) continue;
    let i = 0;
    while (i < word.length && b[o + i] === word[i]) i++;
    if (i === word.length) return true;
  }
  return false;
}

export function isTls13(version: number | null): boolean {
  return version !== null && (version === 0x0304 || (version >> 8) === 0x7f || (version >> 8) === 0x7e || version === 0xfb17 || version === 0xfb1a);
}

function guessPlaintextProtocol(prefix: string): string {
  if (/^CONNECT /.test(prefix)) return 'http-connect'; // a proxy tunnel
  if (/^220[ -]|^EHLO|^HELO/i.test(prefix)) return 'smtp';
  if (/^\* OK|^\w+ STARTTLS/i.test(prefix)) return 'imap';
  if (/^\+OK|^STLS/i.test(prefix)) return 'pop3';
  if (/^<\?xml|^<stream/i.test(prefix)) return 'xmpp';
  if (prefix.charCodeAt(0) === 0 && prefix.length >= 8) return 'binary';
  return 'unknown';
}
