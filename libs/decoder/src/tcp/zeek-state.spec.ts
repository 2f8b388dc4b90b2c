import { writePcap } from '../testing/capture-writer';
import { analyze } from '../testing/fixtures';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';

// Zeek conn_state and history for the classic shapes (base/protocols/conn/main.zeek).
const syn: Segment = { from: 'c', flags: F.SYN, seq: 100, t: 0 };
const synAck: Segment = { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: 0.1 };
const ack: Segment = { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: 0.2 };
const cFin: Segment = { from: 'c', flags: F.FIN | F.ACK, seq: 101, ack: 501, t: 0.3 };
const sFin: Segment = { from: 's', flags: F.FIN | F.ACK, seq: 501, ack: 102, t: 0.4 };
const cRst: Segment = { from: 'c', flags: F.RST, seq: 101, t: 0.5 };
const sRst: Segment = { from: 's', flags: F.RST | F.ACK, seq: 501, ack: 101, t: 0.5 };
const cData: Segment = { from: 'c', flags: F.PSH | F.ACK, seq: 101, ack: 501, payload: 20, t: 0.25 };

describe('Zeek conn_state', () => {
  it.each<[string, Segment[], string, string]>([
    ['S0: SYN, no reply', [syn], 'S0', 'S'],
    ['REJ: SYN answered by RST', [syn, { ...sRst, seq: 0 }], 'REJ', 'Sr'],
    ['SF: normal close', [syn, synAck, ack, cFin, sFin], 'SF', 'ShAFf'],
    ['S1: established, still open', [syn, synAck, ack, cData], 'S1', 'ShAD'],
    ['S2: only the client closed', [syn, synAck, ack, cFin], 'S2', 'ShAF'],
    ['S3: only the server closed', [syn, synAck, ack, sFin], 'S3', 'ShAf'],
    ['RSTO: client aborts', [syn, synAck, ack, cData, { ...cRst, seq: 121 }], 'RSTO', 'ShADR'],
    ['RSTR: server aborts', [syn, synAck, ack, sRst], 'RSTR', 'ShAr'],
    ['RSTOS0: SYN then client RST', [syn, { ...cRst, seq: 101 }], 'RSTOS0', 'SR'],
    ['SH: SYN then FIN, no SYN-ACK', [syn, { ...cFin, flags: F.FIN }], 'SH', 'SF'],
    ['OTH: mid-stream, no SYN', [{ from: 'c', flags: F.ACK, seq: 7, ack: 9, t: 0 }], 'OTH', 'A'],
  ])('%s', (_name, segments, state, history) => {
    const [c] = analyze(writePcap(conversation({ ...V4, serverPort: 40001, clientPort: 40000 }, segments))).connections;
    expect(c.connState).toBe(state);
    expect(c.history).toBe(history);
  });

  it('RSTRH and SHR: only the server side was seen opening', () => {
    const rstrh = analyze(writePcap(conversation(V4, [synAck, { ...sRst, t: 0.2 }]))).connections[0];
    expect(rstrh.connState).toBe('RSTRH');
    expect(rstrh.history).toBe('^hr');
    const shr = analyze(writePcap(conversation(V4, [synAck, { ...sFin, t: 0.2 }]))).connections[0];
    expect(shr.connState).toBe('SHR');
  });
});
