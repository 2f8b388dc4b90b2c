import { copyBytes, sameBytes } from '../bytes';
import { parseClientHello, parseSslv2ClientHello } from './client-hello';
import { HandshakeAssembler, type HandshakeSink } from './handshake-assembler';
import { parseCertificateList, serverKeyExchangeGroup } from './handshake-messages';
import { bothFinished, cipherChanged, Flight, HandshakeEvent, handshakeStep, TlsPhase, type HandshakeState, type TlsSide } from './handshake-state';
import type { ClientHello, ServerHello } from './hello-types';
import { grownPrefix, opensHttpText, opensTls, plaintextProtocol, STARTTLS_SCAN_BYTES, startsTlsUpgrade, TELLING_BYTES } from './plaintext-detection';
import { looksLikeTlsRecord, RecordStream, type RecordSink } from './record-stream';
import { parseServerHello } from './server-hello';
import { parseSslv2ServerHello, sslv2MasterKeyCipher } from './sslv2';
import { cipherSuiteName } from './tables/cipher-suites';
import { ContentType, HandshakeType, Sslv2Message } from './tables/handshake-types';
import { isTls13 } from './tables/versions';

export type { TlsSide } from './handshake-state';

/** Cap on one handshake message (a certificate chain fits easily). */
export const MAX_HANDSHAKE_MESSAGE = 256 * 1024;
const MAX_ALERTS = 8;
const MAX_MESSAGES = 64;
/** Suites whose ServerKeyExchange carries ECParameters (RFC 8422 5.4): ECDHE_*, ECDH_anon_*. */
const ECDH_SUITE = /^TLS_ECDH(E_|_anon_)/;
/**
 * About what a session costs (measured): the session with its two directions, each hello
 * parsed (arrays of suites, extensions, names), and one recorded ladder message.
 */
const SESSION_BYTES = 1280;
const HELLO_BYTES = 1536;
const MESSAGE_BYTES = 256;

/** The alerts of a session that saw none (shared: most see none). */
const NO_ALERTS: readonly TlsAlert[] = Object.freeze([]);

/** What a side holds for bytes not yet read whole. */
function directionHeldBytes(d: Direction): number {
  return (d.records?.heldBytes ?? 0) + (d.handshakes?.heldBytes ?? 0) + (d.early?.length ?? 0);
}

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

/** How a side's bytes are read. */
enum Reading {
  /** Its first bytes are too few to tell TLS from plaintext (or none came yet). */
  Detect = 0,
  /** Plaintext: scanned for a STARTTLS-style upgrade. */
  Plaintext = 1,
  /** TLS records, through its record stream and handshake assembler. */
  Tls = 2,
  /** Not read any more: not TLS, failed, a gap, or the handshake is over. */
  Off = 3,
}

/**
 * One side of a session. It is also the sink of that side's record stream and handshake
 * assembler, which hand it records and messages in place (no view, no closure per side);
 * the session methods it calls are public for it alone (@internal).
 */
class Direction implements RecordSink, HandshakeSink {
  /** Made when this side turns out to speak TLS (the assembler at its first handshake record): most connections never need them. */
  records: RecordStream | null = null;
  handshakes: HandshakeAssembler | null = null;
  plaintextScanned = 0;
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
 * tells when the handshake is over so the reassemblers can stop buffering. Its progress is
 * a HandshakeState (handshake-state.ts), moved by handshakeStep alone.
 */
export class TlsSession implements HandshakeState {
  clientHello: ClientHello | null = null;
  clientHellos = 0;
  /** The first ServerHello that is not a HelloRetryRequest: the one that negotiates. */
  serverHello: ServerHello | null = null;
  /** A HelloRetryRequest (TLS 1.3): the first ServerHello on the wire when present (JA3S). */
  helloRetry: ServerHello | null = null;
  certificates: Uint8Array[] | null = null;
  keyExchangeGroup: number | null = null;
  newSessionTicket = false;
  malformed = 0;
  gaps = 0;
  /** Plaintext protocol before a STARTTLS-style upgrade (first bytes seen). */
  upgradedFrom: string | null = null;
  startSec = -1;
  startNsec = 0;
  endSec = -1;
  endNsec = 0;
  phase = TlsPhase.Hello;
  clientFlight = Flight.Clear;
  serverFlight = Flight.Clear;
  messages: TlsMessage[] | null;
  /** Alerts seen: none (a shared empty list) until the first. */
  private alertList: TlsAlert[] | null = null;
  /**
   * How each side is read, and its Direction, made at its first bytes (a side that sends
   * none, as the server under a flood of abandoned handshakes, never has one).
   */
  private reading0 = Reading.Detect;
  private reading1 = Reading.Detect;
  private dir0: Direction | null = null;
  private dir1: Direction | null = null;
  /**
   * Where each side's stream goes on, while its bytes come in order and no reassembler was
   * made for them (tls-feed.ts): kept here, not in one more object. As int32 (a small
   * integer in the object, not a number boxed apart), `streamKnown` telling which are set.
   */
  private streamNextS0 = 0;
  private streamNextS1 = 0;
  private streamKnown = 0;
  private tsSec = 0;
  private tsNsec = 0;
  /** The connection's first plaintext characters, both sides in arrival order. */
  private plaintextPrefix = '';

  constructor(recordMessages: boolean) {
    this.messages = recordMessages ? [] : null;
  }

  get alerts(): readonly TlsAlert[] {
    return this.alertList ?? NO_ALERTS;
  }

  /** @internal Where `side`'s stream goes on after the bytes delivered in order without a reassembler; -1: none. */
  streamNext(side: TlsSide): number {
    if ((this.streamKnown & (1 << side)) === 0) return -1;
    return (side === 0 ? this.streamNextS0 : this.streamNextS1) >>> 0;
  }

  /** @internal `side`'s bytes (delivered in order without a reassembler) reached `seq`. */
  setStreamNext(side: TlsSide, seq: number): void {
    this.streamKnown |= 1 << side;
    if (side === 0) this.streamNextS0 = seq | 0;
    else this.streamNextS1 = seq | 0;
  }

  private reading(side: TlsSide): Reading {
    return side === 0 ? this.reading0 : this.reading1;
  }

  private setReading(side: TlsSide, r: Reading): void {
    if (side === 0) this.reading0 = r;
    else this.reading1 = r;
  }

  /** A side's Direction, made at first use. */
  private dir(side: TlsSide): Direction {
    if (side === 0) return (this.dir0 ??= new Direction(this, 0));
    return (this.dir1 ??= new Direction(this, 1));
  }

  /** Both sides' encrypted flights went. */
  get established(): boolean {
    return bothFinished(this);
  }

  /** No more bytes are needed: handshake over, failed, or not TLS (neither side is read). */
  get done(): boolean {
    return this.reading0 === Reading.Off && this.reading1 === Reading.Off;
  }

  /** The server sent ServerHelloDone: a full TLS <= 1.2 handshake, not a resumption. */
  get serverHelloDone(): boolean {
    return this.phase === TlsPhase.Tls12Full || this.phase === TlsPhase.DoneBeforeHello;
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
    if (this.dir0 !== null) n += directionHeldBytes(this.dir0);
    if (this.dir1 !== null) n += directionHeldBytes(this.dir1);
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
    if (sh.sslv2) return this.phase === TlsPhase.Sslv2Resumed;
    if (this.phase === TlsPhase.Tls13) return sh.pskSelected;
    const sessionEcho = ch.sessionId.length > 0 && ch.sessionId.length === sh.sessionId.length && sameBytes(ch.sessionId, sh.sessionId);
    // Abbreviated handshake (ticket or id): the server's CCS came without a ServerHelloDone.
    return sessionEcho || this.phase === TlsPhase.Tls12Abbreviated;
  }

  /** Bytes from one side, in order. `tsSec/tsNsec`: the segment that brought them. */
  data(side: TlsSide, bytes: Uint8Array, tsSec: number, tsNsec: number): void {
    if (this.done) return;
    this.tsSec = tsSec;
    this.tsNsec = tsNsec;
    if (this.reading(side) === Reading.Detect) this.detect(side, bytes);
    else this.deliver(side, bytes);
  }

  /**
   * A side's first bytes tell TLS (or SSLv2 framing) from plaintext. Too few to tell (a TLS
   * header is 5 bytes, an SSLv2 hello's telling part 7; DPI-evasion tools split a ClientHello
   * after its first byte) wait for the next delivery.
   */
  private detect(side: TlsSide, bytes: Uint8Array): void {
    const d = this.dir(side);
    const early = d.early;
    let b = bytes;
    if (early !== null) {
      b = new Uint8Array(early.length + bytes.length);
      b.set(early);
      b.set(bytes, early.length);
    }
    if (b.length < TELLING_BYTES && !looksLikeTlsRecord(b)) {
      d.early = early === null ? copyBytes(bytes, 0, bytes.length) : b;
      return;
    }
    d.early = null;
    if (opensTls(b, 0, side)) {
      this.startTls(side).push(b);
      return;
    }
    this.setReading(side, Reading.Plaintext);
    // Keep the deliveries apart: the STARTTLS rule looks for TLS at the start of one
    // (PostgreSQL answers its SSLRequest with the single byte 'S', then the ServerHello).
    if (early !== null) this.deliver(side, early);
    if (!this.done) this.deliver(side, bytes); // (a side turned off ignores it)
  }

  private deliver(side: TlsSide, bytes: Uint8Array): void {
    const d = this.dir(side);
    if (this.reading(side) === Reading.Plaintext) {
      if (!startsTlsUpgrade(bytes, d.plaintextScanned)) return this.plaintext(side, bytes);
      this.startTls(side);
      this.upgradedFrom ??= plaintextProtocol(this.plaintextPrefix);
    }
    if (d.records !== null && this.reading(side) === Reading.Tls) d.records.push(bytes);
  }

  /** More plaintext from one side: HTTP/1 stops both sides at once, and a long scan this one. */
  private plaintext(side: TlsSide, bytes: Uint8Array): void {
    const d = this.dir(side);
    const before = this.plaintextPrefix.length;
    this.plaintextPrefix = grownPrefix(this.plaintextPrefix, bytes);
    d.plaintextScanned += bytes.length;
    if (this.plaintextPrefix.length !== before && opensHttpText(this.plaintextPrefix)) {
      // HTTP/1 never upgrades to TLS in-band.
      this.off(0);
      this.off(1);
    } else if (d.plaintextScanned > STARTTLS_SCAN_BYTES) {
      this.off(side);
    }
  }

  /** Bytes of one side were never captured: its record stream cannot be trusted any more. */
  gap(side: TlsSide): void {
    this.gaps++;
    this.off(side);
  }

  /** Stop reading one side, and let go of what it held. */
  private off(side: TlsSide): void {
    this.setReading(side, Reading.Off);
    const d = side === 0 ? this.dir0 : this.dir1;
    if (d === null) return;
    d.records?.stop();
    d.handshakes?.stop();
    d.early = null;
  }

  /**
   * The handshake is over (established, or a fatal alert): neither side is read from the
   * next delivery on. The records left in the current one are still read, as they were.
   */
  private end(): void {
    this.reading0 = this.reading1 = Reading.Off;
  }

  /** This side speaks TLS from here: its record stream (its handshake assembler comes with its first handshake record). */
  private startTls(side: TlsSide): RecordStream {
    const d = this.dir(side);
    this.setReading(side, Reading.Tls);
    return (d.records ??= new RecordStream(d));
  }

  /** A TLS side's handshake assembler, made at its first handshake record (a side's records come only after startTls). */
  private handshakesOf(side: TlsSide): HandshakeAssembler {
    const d = this.dir(side);
    return (d.handshakes ??= new HandshakeAssembler(d, MAX_HANDSHAKE_MESSAGE));
  }

  /** One event through the state machine; the moment both flights are finished, the handshake ends. */
  private step(side: TlsSide, e: HandshakeEvent): void {
    const was = bothFinished(this);
    handshakeStep(this, side, e);
    if (was || !bothFinished(this)) return;
    this.endSec = this.tsSec;
    this.endNsec = this.tsNsec;
    this.end();
  }

  /** @internal A record of one side: `length` bytes of `b` from `offset`, valid only during the call. */
  record(side: TlsSide, type: number, b: Uint8Array, offset: number, length: number): void {
    const encrypted = cipherChanged(side === 0 ? this.clientFlight : this.serverFlight);
    switch (type) {
      case ContentType.HANDSHAKE:
        if (!encrypted) return this.handshakesOf(side).push(b, offset, length);
        this.note(side, 'encrypted_handshake');
        return this.step(side, HandshakeEvent.HandshakeRecord);
      case ContentType.CHANGE_CIPHER_SPEC:
        this.note(side, 'change_cipher_spec');
        return this.step(side, HandshakeEvent.ChangeCipherSpec);
      case ContentType.ALERT:
        // TLS 1.3 hides encrypted alerts inside application_data records, so a record of
        // type alert is plaintext there; before 1.3 it is encrypted after the sender's CCS.
        return this.alert(side, b, offset, length, encrypted);
      case ContentType.APPLICATION_DATA:
        // Application data before any hello: the capture began after the handshake.
        // Nothing on this side can follow that we need: stop reading it.
        if (!this.isTls) return this.off(side);
        this.note(side, 'application_data');
        return this.step(side, HandshakeEvent.ApplicationData);
      default:
        return; // heartbeat
    }
  }

  /** @internal A handshake message of one side: `length` bytes of `b` from `offset`, valid only during the call. */
  handshake(side: TlsSide, type: number, b: Uint8Array, offset: number, length: number): void {
    if (this.done) return;
    this.note(side, 'handshake', type);
    switch (type) {
      case HandshakeType.CLIENT_HELLO:
        if (side === 0) this.clientHelloAt(b, offset, length);
        return;
      case HandshakeType.SERVER_HELLO:
        if (side === 1) this.serverHelloAt(b, offset, length);
        return;
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
        return this.step(side, HandshakeEvent.ServerHelloDone);
      case HandshakeType.NEW_SESSION_TICKET:
        this.newSessionTicket = true;
        return;
      default:
        return;
    }
  }

  private clientHelloAt(b: Uint8Array, offset: number, length: number): void {
    const ch = parseClientHello(b, offset, length);
    if (ch === null) return this.fail(0);
    this.clientHellos++;
    if (this.clientHello === null) {
      this.clientHello = ch;
      this.startSec = this.tsSec;
      this.startNsec = this.tsNsec;
    }
  }

  private serverHelloAt(b: Uint8Array, offset: number, length: number): void {
    const sh = parseServerHello(b, offset, length);
    if (sh === null) return this.fail(1);
    if (sh.helloRetryRequest) {
      this.helloRetry ??= sh;
    } else if (this.serverHello === null) {
      this.serverHello = sh;
      this.step(1, isTls13(sh.selectedVersion ?? sh.version) ? HandshakeEvent.ServerHelloTls13 : HandshakeEvent.ServerHelloTls12);
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
    if (side === 0 && this.clientHello === null) return this.sslv2ClientHello(body);
    if (side === 1 && this.serverHello === null) return this.sslv2ServerHello(body);
    const p = this.phase;
    if (p !== TlsPhase.Sslv2 && p !== TlsPhase.Sslv2Keyed && p !== TlsPhase.Sslv2Resumed) return this.fail(side); // SSLv2 framing in a TLS handshake
    if (p === TlsPhase.Sslv2) {
      const cipher = side === 0 ? sslv2MasterKeyCipher(body) : null;
      if (cipher !== null) {
        this.note(0, 'handshake', HandshakeType.CLIENT_KEY_EXCHANGE);
        (this.serverHello as ServerHello).cipherSuite = cipher;
        this.step(0, HandshakeEvent.Sslv2MasterKey);
      } else if (body[0] !== Sslv2Message.ERROR) {
        this.fail(side);
      }
      return;
    }
    this.note(side, 'encrypted_handshake');
    this.step(side, HandshakeEvent.Sslv2Record);
  }

  private sslv2ClientHello(body: Uint8Array): void {
    this.note(0, 'sslv2_client_hello');
    const ch = parseSslv2ClientHello(body);
    if (ch === null) return this.fail(0);
    this.clientHellos++;
    this.clientHello = ch;
    this.startSec = this.tsSec;
    this.startNsec = this.tsNsec;
  }

  private sslv2ServerHello(body: Uint8Array): void {
    this.note(1, 'handshake', HandshakeType.SERVER_HELLO);
    const parsed = parseSslv2ServerHello(body);
    if (parsed === null) return this.fail(1);
    this.serverHello = parsed.hello;
    // Session-id-hit: a resumed SSLv2 session has no CLIENT-MASTER-KEY; keys are set.
    this.step(1, parsed.sessionIdHit ? HandshakeEvent.ServerHelloSslv2Resumed : HandshakeEvent.ServerHelloSslv2);
  }

  private alert(side: TlsSide, b: Uint8Array, offset: number, length: number, encrypted: boolean): void {
    const plain = !encrypted && length === 2;
    const level = b[offset];
    const description = b[offset + 1];
    if (this.messages && this.messages.length < MAX_MESSAGES) {
      this.messages.push({ side, tsSec: this.tsSec, tsNsec: this.tsNsec, kind: 'alert', alert: plain ? { level, description } : undefined });
    }
    const alerts = (this.alertList ??= []);
    if (alerts.length < MAX_ALERTS) {
      alerts.push({ level: plain ? level : null, description: plain ? description : null, sender: side === 0 ? 'client' : 'server' });
    }
    // A fatal alert during the handshake ends it.
    if (plain && level === 2 && !this.established) this.end();
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
