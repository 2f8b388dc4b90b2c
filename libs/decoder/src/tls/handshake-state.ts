/** A TLS side: 0 = client, 1 = server. */
export type TlsSide = 0 | 1;

/**
 * What the session knows of the negotiation as a whole: whether a ServerHello came, what it
 * chose and, for TLS <= 1.2 and SSLv2, how the keys came.
 */
export enum TlsPhase {
  /** No ServerHello yet: a ChangeCipherSpec is TLS 1.3 middlebox compatibility, nothing changes. */
  Hello = 0,
  /** A ServerHelloDone with no ServerHello before it (the capture began mid-handshake). */
  DoneBeforeHello = 1,
  /** TLS <= 1.2 (or SSL 3.0): a full handshake or a resumption, not known yet. */
  Tls12 = 2,
  /** TLS <= 1.2, ServerHelloDone seen: a full handshake. */
  Tls12Full = 3,
  /** TLS <= 1.2, the server's ChangeCipherSpec came with no ServerHelloDone: an abbreviated (resumed) handshake. */
  Tls12Abbreviated = 4,
  /** TLS 1.3 or a draft of it: the flights after the ServerHello are encrypted, ChangeCipherSpec changes nothing. */
  Tls13 = 5,
  /** Pure SSLv2: the SERVER-HELLO came, the client's CLIENT-MASTER-KEY not yet. */
  Sslv2 = 6,
  /** SSLv2, keys set by the CLIENT-MASTER-KEY: every later record of either side is encrypted. */
  Sslv2Keyed = 7,
  /** SSLv2, session-id-hit: a resumed session, keys set with no CLIENT-MASTER-KEY. */
  Sslv2Resumed = 8,
}

/**
 * How far one side's flight went. Two facts, one bit each: the side sent ChangeCipherSpec
 * (CHANGED_CIPHER: its later handshake records and alerts are encrypted) and its encrypted
 * flight went (FINISHED: its part of the handshake is over).
 */
export enum Flight {
  /** Its handshake travels in the clear. */
  Clear = 0,
  /** It sent ChangeCipherSpec (TLS <= 1.2): its next handshake record is its encrypted Finished. */
  CipherChanged = 1,
  /** Its encrypted flight went with no ChangeCipherSpec: TLS 1.3's (application_data records), SSLv2's (encrypted records). */
  Encrypted = 2,
  /** Its encrypted Finished went, after its ChangeCipherSpec. */
  Finished = 3,
}

const CHANGED_CIPHER = 1;
const FINISHED = 2;

/** What a side sent that may move the handshake on. */
export enum HandshakeEvent {
  /** The first ServerHello (not a HelloRetryRequest), and what it negotiated. */
  ServerHelloTls12 = 0,
  ServerHelloTls13 = 1,
  /** An SSLv2 SERVER-HELLO, without and with session-id-hit. */
  ServerHelloSslv2 = 2,
  ServerHelloSslv2Resumed = 3,
  ServerHelloDone = 4,
  ChangeCipherSpec = 5,
  /** A handshake record (after the side's ChangeCipherSpec: its encrypted Finished). */
  HandshakeRecord = 6,
  ApplicationData = 7,
  /** The client's CLIENT-MASTER-KEY (SSLv2). */
  Sslv2MasterKey = 8,
  /** An SSLv2 record after the hellos and the master key: encrypted. */
  Sslv2Record = 9,
}

/** The handshake's state: the phase, and each side's flight. */
export interface HandshakeState {
  phase: TlsPhase;
  clientFlight: Flight;
  serverFlight: Flight;
}

/** The side's handshake records and alerts are encrypted (it sent ChangeCipherSpec). */
export function cipherChanged(f: Flight): boolean {
  return (f & CHANGED_CIPHER) !== 0;
}

/** Both sides' encrypted flights went: the handshake is established. */
export function bothFinished(s: HandshakeState): boolean {
  return (s.clientFlight & s.serverFlight & FINISHED) !== 0;
}

/**
 * One event's effect on the handshake state: the one transition function. Total: an event
 * that means nothing in a state leaves it as it is (a second ServerHello, a client's
 * ServerHelloDone, an application_data record before TLS 1.3's flight...).
 */
export function handshakeStep(s: HandshakeState, side: TlsSide, e: HandshakeEvent): void {
  const p = s.phase;
  switch (e) {
    case HandshakeEvent.ServerHelloTls12:
    case HandshakeEvent.ServerHelloTls13:
    case HandshakeEvent.ServerHelloSslv2:
    case HandshakeEvent.ServerHelloSslv2Resumed:
      if (p === TlsPhase.Hello || p === TlsPhase.DoneBeforeHello) s.phase = negotiated(e, p);
      return;
    case HandshakeEvent.ServerHelloDone:
      if (side !== 1) return;
      if (p === TlsPhase.Hello) s.phase = TlsPhase.DoneBeforeHello;
      else if (p === TlsPhase.Tls12 || p === TlsPhase.Tls12Abbreviated) s.phase = TlsPhase.Tls12Full;
      return;
    case HandshakeEvent.ChangeCipherSpec:
      // Before the ServerHello and in TLS 1.3, CCS is only for middleboxes.
      if (p === TlsPhase.Hello || p === TlsPhase.DoneBeforeHello || p === TlsPhase.Tls13) return;
      if (side === 1 && p === TlsPhase.Tls12) s.phase = TlsPhase.Tls12Abbreviated;
      return mark(s, side, CHANGED_CIPHER);
    case HandshakeEvent.HandshakeRecord:
      if (cipherChanged(side === 0 ? s.clientFlight : s.serverFlight)) mark(s, side, FINISHED);
      return;
    case HandshakeEvent.ApplicationData:
      if (p === TlsPhase.Tls13) mark(s, side, FINISHED); // the encrypted flight
      return;
    case HandshakeEvent.Sslv2MasterKey:
      if (side === 0 && p === TlsPhase.Sslv2) s.phase = TlsPhase.Sslv2Keyed;
      return;
    case HandshakeEvent.Sslv2Record:
      if (p === TlsPhase.Sslv2Keyed || p === TlsPhase.Sslv2Resumed) mark(s, side, FINISHED);
      return;
  }
}

/** The phase a first ServerHello leads to (a ServerHelloDone before it already told a full TLS <= 1.2 handshake). */
function negotiated(e: HandshakeEvent, p: TlsPhase): TlsPhase {
  switch (e) {
    case HandshakeEvent.ServerHelloTls12: return p === TlsPhase.DoneBeforeHello ? TlsPhase.Tls12Full : TlsPhase.Tls12;
    case HandshakeEvent.ServerHelloTls13: return TlsPhase.Tls13;
    case HandshakeEvent.ServerHelloSslv2: return TlsPhase.Sslv2;
    default: return TlsPhase.Sslv2Resumed;
  }
}

function mark(s: HandshakeState, side: TlsSide, bit: number): void {
  if (side === 0) s.clientFlight |= bit;
  else s.serverFlight |= bit;
}
