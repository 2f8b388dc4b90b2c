import { PacketDecoder } from '../packet-decoder';
import { analyze, fixture, readCapture } from '../testing/fixtures';
import { TcpFlag } from '../transport/tcp-flags';
import { writePcap } from '../testing/capture-writer';
import { hexBytes } from '../testing/tls-streams';

// ndpi/tls_invalid_reads.pcap frames 1, 2, 3 and 6 (stream 0): SYN, a SYN-ACK whose IPv4
// total length says 4148 in a 66-byte frame captured whole, the ACK, then the server's
// ServerHello (TLS 1.0, TLS_RSA_WITH_RC4_128_MD5) and what follows it.
const FRAMES: [number, number, string][] = [
  // frame 1
  [1252380859, 868541, `
    0014d141b950001cbf39a549080045000034305940008006f329c0a80a65ce213d710f7f01bb7354b571000000008002
    faf063870000020405b40103030001010402
  `],
  // frame 2
  [1252380859, 884558, `
    001cbf39a5250014d141b95008004520103464ba00003606494ace213d71c0a80a6501bb0f7fbec8022f7354b5728012
    16d086980000020405b40101040201030331
  `],
  // frame 3
  [1252380859, 884593, `
    0014d141b950001cbf3da57108004500002830ff40008006f330c0a80a65ce213d710f7f01bb7354b572bec802305010
    faf0e3490000
  `],
  // frame 6
  [1252380859, 904145, `
    001cbf39a5710014d141b95008004520037b64bc000037064501ce213d71c0a80a6501bb0f7fbec802307354b5d85018
    002ed4690000160301004a0200004603014aa5d0ba1fa3a05bd3fdfb7e997b2945759021223b96b2861781f1ee068636
    3e202086cb569da94bb48fc61291046355f74c6cb6e7fba23796344c947344115c7000040016030102f6090002f20002
    ef0002ec308202e830820251a00302010202030bb760300d06092a864886f70d0101050500304e310b30090603550406
    130255533110300e060355040a130745717569666178312d302b060355040b13244571756966617820d4656375726520
    436572746966696361746520417574686f72697479301e170d3039303632393133343434365a170d3124303832383232
    313832385a3073310b3009060355040613025553311330110603550408130a43616c69666f726e696131143012060355
    0407130b53616e746120436c6172613114300a060355040a140b5961686f6f2120496e632e310e300c060355040b1305
    5961696f6f311330110603550403130a732e796d6d672e636f6d30819f300d06092a864886f70d010101050003818d00
    30818902818100b9e93233cedf58423eff0169e1d0a692fc0715928cae49d490b5f7850b36b7b19b1ffd86e34b0020bc
    6c4b11e1710e461e4f5d58188da751ba9466a78164ff03ba2e707dc63d5aa3687684e1122af36bebddc618bdb0633a46
    315fbeabb2d31eaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  `],
];

function capture(cutLast?: number): Uint8Array {
  return writePcap(
    FRAMES.map(([sec, usec, hex], i) => {
      const data = hexBytes(hex);
      const last = i === FRAMES.length - 1 && cutLast !== undefined;
      return { data: last ? data.subarray(0, cutLast) : data, origLen: data.length, tsSec: sec, tsNsec: usec * 1000 };
    }),
  );
}

describe('feedTls and payload lengths', () => {
  it('a bogus IP length in a frame captured whole is not a gap: the ServerHello after it is read', () => {
    const [c] = analyze(capture()).connections;
    expect(c.tls?.gaps).toBe(0);
    expect(c.tls?.serverHello?.version).toBe(0x0301);
    expect(c.tls?.serverHello?.cipherSuite).toBe(0x0004);
  });

  it('a payload the snaplen cut is a gap: that side stops after what it has', () => {
    const [c] = analyze(capture(14 + 20 + 20 + 100)).connections; // the ServerHello record is the first 79 bytes
    expect(c.tls?.gaps).toBe(1);
    expect(c.tls?.serverHello?.cipherSuite).toBe(0x0004);
  });
});

describe('feedTls before the first bytes', () => {
  // tls-basic.pcap's first connection, with a SYN-ACK carrying another ISN sent just
  // before the real one (a server that restarted its handshake): the server's bytes
  // start after the second ISN, and the stream must follow them there.
  const withRestartedSynAck = (): Uint8Array => {
    const frames = readCapture(fixture('tls-basic.pcap')).packets;
    const d = new PacketDecoder();
    const i = frames.findIndex((f) => {
      const p = d.decode(f);
      return p !== null && (p.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK);
    });
    const p = d.decode(frames[i]);
    const fake = frames[i].data.slice();
    new DataView(fake.buffer).setUint32(p!.payloadOffset - p!.tcpHeaderLength + 4, (p!.seq + 0x01000000) >>> 0);
    const all = [...frames.slice(0, i), { ...frames[i], data: fake, origLen: fake.length }, ...frames.slice(i)];
    return writePcap(all.map((f) => ({ data: f.data, tsSec: f.tsSec, tsNsec: f.tsNsec })));
  };

  it('follows a side whose SYN came again with a new ISN before any byte', () => {
    const plain = analyze(fixture('tls-basic.pcap')).connections[0];
    const restarted = analyze(withRestartedSynAck()).connections[0];
    expect(plain.tls?.established).toBe(true);
    expect(restarted.tls?.established).toBe(true);
    expect(restarted.tls?.gaps).toBe(0);
    expect(restarted.tls?.serverHello?.cipherSuite).toBe(plain.tls?.serverHello?.cipherSuite);
  });

  it('makes no reassembly for a connection that never carries a byte', () => {
    const refused = analyze(fixture('tcp-refused.pcap')).connections;
    expect(refused.length).toBeGreaterThan(0);
    for (const c of refused) expect(c.reassembly).toBeNull();
  });
});
