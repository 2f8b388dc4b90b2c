import fc from 'fast-check';
import { bothFinished, cipherChanged, Flight as F, HandshakeEvent as E, handshakeStep, TlsPhase as P, type HandshakeState, type TlsSide } from './handshake-state';

const C = 0 as TlsSide;
const S = 1 as TlsSide;
type Row = [P, F, F, TlsSide, E, P, F, F];

function after(phase: P, clientFlight: F, serverFlight: F, side: TlsSide, e: E): [P, F, F] {
  const s: HandshakeState = { phase, clientFlight, serverFlight };
  handshakeStep(s, side, e);
  return [s.phase, s.clientFlight, s.serverFlight];
}

// state x event -> state: phase, client flight, server flight; the side that sent the event.
const ROWS: Row[] = [
  // The first ServerHello sets what was negotiated; a ServerHelloDone before it meant a full handshake.
  [P.Hello, F.Clear, F.Clear, S, E.ServerHelloTls12, P.Tls12, F.Clear, F.Clear],
  [P.Hello, F.Clear, F.Clear, S, E.ServerHelloTls13, P.Tls13, F.Clear, F.Clear],
  [P.Hello, F.Clear, F.Clear, S, E.ServerHelloSslv2, P.Sslv2, F.Clear, F.Clear],
  [P.Hello, F.Clear, F.Clear, S, E.ServerHelloSslv2Resumed, P.Sslv2Resumed, F.Clear, F.Clear],
  [P.DoneBeforeHello, F.Clear, F.Clear, S, E.ServerHelloTls12, P.Tls12Full, F.Clear, F.Clear],
  [P.DoneBeforeHello, F.Clear, F.Clear, S, E.ServerHelloTls13, P.Tls13, F.Clear, F.Clear],
  [P.Tls12, F.Clear, F.Clear, S, E.ServerHelloTls13, P.Tls12, F.Clear, F.Clear], // a second one changes nothing
  // ServerHelloDone (the server's only).
  [P.Hello, F.Clear, F.Clear, S, E.ServerHelloDone, P.DoneBeforeHello, F.Clear, F.Clear],
  [P.Tls12, F.Clear, F.Clear, S, E.ServerHelloDone, P.Tls12Full, F.Clear, F.Clear],
  [P.Tls12, F.Clear, F.Clear, C, E.ServerHelloDone, P.Tls12, F.Clear, F.Clear],
  [P.Tls12Abbreviated, F.Clear, F.CipherChanged, S, E.ServerHelloDone, P.Tls12Full, F.Clear, F.CipherChanged],
  [P.Tls13, F.Clear, F.Clear, S, E.ServerHelloDone, P.Tls13, F.Clear, F.Clear],
  // ChangeCipherSpec: nothing before the ServerHello or in TLS 1.3 (middlebox compatibility).
  [P.Hello, F.Clear, F.Clear, C, E.ChangeCipherSpec, P.Hello, F.Clear, F.Clear],
  [P.DoneBeforeHello, F.Clear, F.Clear, S, E.ChangeCipherSpec, P.DoneBeforeHello, F.Clear, F.Clear],
  [P.Tls13, F.Clear, F.Clear, S, E.ChangeCipherSpec, P.Tls13, F.Clear, F.Clear],
  [P.Tls12, F.Clear, F.Clear, C, E.ChangeCipherSpec, P.Tls12, F.CipherChanged, F.Clear],
  [P.Tls12, F.Clear, F.Clear, S, E.ChangeCipherSpec, P.Tls12Abbreviated, F.Clear, F.CipherChanged], // no ServerHelloDone: resumed
  [P.Tls12Full, F.Finished, F.Clear, S, E.ChangeCipherSpec, P.Tls12Full, F.Finished, F.CipherChanged],
  [P.Tls12Abbreviated, F.Clear, F.Finished, C, E.ChangeCipherSpec, P.Tls12Abbreviated, F.CipherChanged, F.Finished],
  [P.Sslv2Keyed, F.Encrypted, F.Clear, C, E.ChangeCipherSpec, P.Sslv2Keyed, F.Finished, F.Clear],
  // A handshake record after the side's ChangeCipherSpec is its encrypted Finished.
  [P.Tls12Full, F.CipherChanged, F.Clear, C, E.HandshakeRecord, P.Tls12Full, F.Finished, F.Clear],
  [P.Tls12Full, F.Finished, F.CipherChanged, S, E.HandshakeRecord, P.Tls12Full, F.Finished, F.Finished],
  [P.Tls12Full, F.Clear, F.Clear, C, E.HandshakeRecord, P.Tls12Full, F.Clear, F.Clear],
  [P.Tls13, F.Encrypted, F.Clear, C, E.HandshakeRecord, P.Tls13, F.Encrypted, F.Clear],
  // Application data is TLS 1.3's encrypted flight, nothing before (or in TLS <= 1.2: False Start).
  [P.Tls13, F.Clear, F.Clear, S, E.ApplicationData, P.Tls13, F.Clear, F.Encrypted],
  [P.Tls13, F.Clear, F.Encrypted, C, E.ApplicationData, P.Tls13, F.Encrypted, F.Encrypted],
  [P.Tls12Full, F.Finished, F.Clear, C, E.ApplicationData, P.Tls12Full, F.Finished, F.Clear],
  [P.Hello, F.Clear, F.Clear, C, E.ApplicationData, P.Hello, F.Clear, F.Clear],
  // SSLv2: the client's master key sets the keys; then every record is encrypted.
  [P.Sslv2, F.Clear, F.Clear, C, E.Sslv2MasterKey, P.Sslv2Keyed, F.Clear, F.Clear],
  [P.Sslv2, F.Clear, F.Clear, S, E.Sslv2MasterKey, P.Sslv2, F.Clear, F.Clear],
  [P.Tls12, F.Clear, F.Clear, C, E.Sslv2MasterKey, P.Tls12, F.Clear, F.Clear],
  [P.Sslv2, F.Clear, F.Clear, C, E.Sslv2Record, P.Sslv2, F.Clear, F.Clear],
  [P.Sslv2Keyed, F.Clear, F.Clear, C, E.Sslv2Record, P.Sslv2Keyed, F.Encrypted, F.Clear],
  [P.Sslv2Resumed, F.Clear, F.Encrypted, C, E.Sslv2Record, P.Sslv2Resumed, F.Encrypted, F.Encrypted],
  [P.Sslv2Keyed, F.CipherChanged, F.Clear, C, E.Sslv2Record, P.Sslv2Keyed, F.Finished, F.Clear],
];

describe('handshakeStep: state x event -> state', () => {
  it.each(ROWS.map((r) => [P[r[0]], F[r[1]], F[r[2]], r[3] === 0 ? 'client' : 'server', E[r[4]], P[r[5]], F[r[6]], F[r[7]], r] as const))(
    '%s %s/%s, %s %s -> %s %s/%s',
    (...args) => {
      const [phase, client, server, side, e, nextPhase, nextClient, nextServer] = args[8];
      expect(after(phase, client, server, side, e)).toEqual([nextPhase, nextClient, nextServer]);
    },
  );

  it('is established once both flights are finished, with or without ChangeCipherSpec', () => {
    const established = (c: F, s: F) => bothFinished({ phase: P.Tls12Full, clientFlight: c, serverFlight: s });
    expect(established(F.Finished, F.Finished)).toBe(true);
    expect(established(F.Encrypted, F.Encrypted)).toBe(true);
    expect(established(F.Finished, F.CipherChanged)).toBe(false);
    expect(established(F.Clear, F.Encrypted)).toBe(false);
    expect([F.Clear, F.CipherChanged, F.Encrypted, F.Finished].map(cipherChanged)).toEqual([false, true, false, true]);
  });

  it.each<[string, [TlsSide, E][], P, boolean]>([
    ['full TLS 1.2', [[S, E.ServerHelloTls12], [S, E.ServerHelloDone], [C, E.ChangeCipherSpec], [C, E.HandshakeRecord], [S, E.ChangeCipherSpec], [S, E.HandshakeRecord]], P.Tls12Full, true],
    ['abbreviated TLS 1.2', [[S, E.ServerHelloTls12], [S, E.ChangeCipherSpec], [S, E.HandshakeRecord], [C, E.ChangeCipherSpec], [C, E.HandshakeRecord]], P.Tls12Abbreviated, true],
    ['TLS 1.3 after a HelloRetryRequest', [[C, E.ChangeCipherSpec], [S, E.ServerHelloTls13], [S, E.ChangeCipherSpec], [S, E.ApplicationData], [C, E.ApplicationData]], P.Tls13, true],
    ['SSLv2', [[S, E.ServerHelloSslv2], [C, E.Sslv2MasterKey], [C, E.Sslv2Record], [S, E.Sslv2Record]], P.Sslv2Keyed, true],
    ['TLS 1.2, the server never finishes', [[S, E.ServerHelloTls12], [S, E.ServerHelloDone], [C, E.ChangeCipherSpec], [C, E.HandshakeRecord], [C, E.ApplicationData]], P.Tls12Full, false],
  ])('%s', (_name, events, phase, established) => {
    const s: HandshakeState = { phase: P.Hello, clientFlight: F.Clear, serverFlight: F.Clear };
    for (const [side, e] of events) handshakeStep(s, side, e);
    expect([P[s.phase], bothFinished(s)]).toEqual([P[phase], established]);
  });
});

/**
 * The session's flags before the state machine (per side ccs and finished, serverHelloDone,
 * sslv2Keyed, sslv2Resumed, and the ServerHello's kind), as its code set them: the state
 * machine must tell the same for any sequence of events.
 */
class FlagModel {
  sh: 'tls12' | 'tls13' | 'sslv2' | null = null;
  serverHelloDone = false;
  ccs = [false, false];
  finished = [false, false];
  keyed = false;
  sslv2Resumed = false;

  step(side: TlsSide, e: E): void {
    switch (e) {
      case E.ServerHelloTls12: case E.ServerHelloTls13: case E.ServerHelloSslv2: case E.ServerHelloSslv2Resumed:
        if (this.sh !== null) return;
        this.sh = e === E.ServerHelloTls12 ? 'tls12' : e === E.ServerHelloTls13 ? 'tls13' : 'sslv2';
        this.keyed = this.sslv2Resumed = e === E.ServerHelloSslv2Resumed;
        return;
      case E.ServerHelloDone: if (side === 1) this.serverHelloDone = true; return;
      case E.ChangeCipherSpec: if (this.sh !== null && this.sh !== 'tls13') this.ccs[side] = true; return;
      case E.HandshakeRecord: if (this.ccs[side]) this.finished[side] = true; return;
      case E.ApplicationData: if (this.sh === 'tls13') this.finished[side] = true; return;
      case E.Sslv2MasterKey: if (side === 0 && this.sh === 'sslv2' && !this.keyed) this.keyed = true; return;
      case E.Sslv2Record: if (this.sh === 'sslv2' && this.keyed) this.finished[side] = true; return;
    }
  }
}

describe('handshakeStep tells what the session flags told', () => {
  it('for any events in any order: encryption per side, established, resumption, SSLv2 keys', () => {
    const event = fc.tuple(fc.constantFrom<TlsSide>(0, 1), fc.integer({ min: 0, max: 9 }).map((n) => n as E));
    fc.assert(
      fc.property(fc.array(event, { maxLength: 14 }), (events) => {
        const m = new FlagModel();
        const s: HandshakeState = { phase: P.Hello, clientFlight: F.Clear, serverFlight: F.Clear };
        for (const [side, e] of events) {
          m.step(side, e);
          handshakeStep(s, side, e);
          expect([cipherChanged(s.clientFlight), cipherChanged(s.serverFlight)]).toEqual(m.ccs);
          expect(bothFinished(s)).toBe(m.finished[0] && m.finished[1]);
          if (m.sh === 'tls12') expect(s.phase === P.Tls12Abbreviated).toBe(m.ccs[1] && !m.serverHelloDone);
          if (m.sh === 'tls13') expect(s.phase).toBe(P.Tls13);
          if (m.sh === 'sslv2') expect([s.phase !== P.Sslv2, s.phase === P.Sslv2Resumed]).toEqual([m.keyed, m.sslv2Resumed]);
          if (m.sh === null) expect(s.phase === P.Hello || s.phase === P.DoneBeforeHello).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
