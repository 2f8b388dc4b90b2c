import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap } from '../../libs/decoder/src/testing/capture-writer';
import { conversation, F, V4 } from '../../libs/decoder/src/testing/packet-builder';
import { agent, ndjson } from '../support/agent-cli';

// Issue 13, "What an attacker can put on the operator's screen": a ClientHello whose SNI
// and ALPN carry terminal escapes, built here. Before: `inspect` printed them raw (the
// terminal recoloured, retitled, rang). Now the ladder shows them as tshark would, and
// ndjson stays JSON with each control character \u-escaped.

/** The hostile names as bytes (the decoder reads SNI and ALPN as latin1, one character a byte). */
const SNI = 'evil\x1b]0;owned\x07\x1b[31mred\x00nul\x9b2J\x7fdel.example';
const ALPN = 'h2\x1b[5m\x1b]52;c;ZWNobw==\x1b\\';
const SNI_SHOWN = 'evil\\x1b]0;owned\\a\\x1b[31mred\\x00nul\\x9b2J\\x7fdel.example';

const u16 = (n: number): number[] => [n >> 8, n & 0xff];
const latin1 = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** A TLS 1.2 ClientHello record with one server name and one ALPN protocol. */
function clientHelloRecord(sni: string, alpn: string): Uint8Array {
  const name = latin1(sni);
  const proto = latin1(alpn);
  const sniExt = [...u16(0), ...u16(5 + name.length), ...u16(3 + name.length), 0, ...u16(name.length), ...name];
  const alpnExt = [...u16(0x10), ...u16(3 + proto.length), ...u16(1 + proto.length), proto.length, ...proto];
  const ext = [...sniExt, ...alpnExt];
  const body = [0x03, 0x03, ...new Array<number>(32).fill(7), 0, ...u16(2), 0xc0, 0x2f, 1, 0, ...u16(ext.length), ...ext];
  const hs = [1, 0, ...u16(body.length), ...body];
  return Uint8Array.from([0x16, 0x03, 0x01, ...u16(hs.length), ...hs]);
}

const hello = clientHelloRecord(SNI, ALPN);
const frames = conversation(V4, [
  { from: 'c', flags: F.SYN, seq: 100, t: 0 },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: 0.001 },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: 0.002 },
  { from: 'c', flags: F.PSH | F.ACK, seq: 101, ack: 501, payload: hello.length, t: 0.003 },
]);
frames[3].data.set(hello, 14 + 40); // the payload, after Ethernet, IPv4 and TCP headers
const path = join(mkdtempSync(join(tmpdir(), 'shakewatch-hostile-names-')), 'hostile-sni.pcap');
writeFileSync(path, writePcap(frames));

/**
 * A self-signed certificate whose CN is "evil", U+202E, "gpj.exe", ESC "[31m", made with
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -utf8 -outform DER
 * -subj "/CN=evil$(printf '\xe2\x80\xae')gpj.exe$(printf '\x1b')[31m"` (OpenSSL 3.0).
 */
const HOSTILE_CERT = Buffer.from(`
  3082019130820137a0030201020214692b69c0b308e8a50d29a25e6666799dc988c946300a06082a8648ce3d04030230
  1e311c301a06035504030c136576696ce280ae67706a2e6578651b5b33316d301e170d3236313230343138333335365a
  170d3236313230353138333335365a301e311c301a06035504030c136576696ce280ae67706a2e6578651b5b33316d30
  59301306072a8648ce3d020106082a8648ce3d03010703420004b13799bcab3cbba2f928dc2f7913947f714a39866136
  fc8b733d0b3c4daf5cdd724fc62530e87c16c7ee315b2379158d842f91d54930d58340f243fd1bc36a23a3533051301d
  0603551d0e041604144b36dbf113904818c1bcb67f66a98c461f51187d301f0603551d230418301680144b36dbf11390
  4818c1bcb67f66a98c461f51187d300f0603551d130101ff040530030101ff300a06082a8648ce3d0403020348003045
  02210084d46459d9da199fd2ef48e544336583eed837e9c9b86868bab1c0960312634b022048c9b1c10191e75b8a6237
  4df301b80d45a08ad4ff8526e93c92c85a617493bc
`.replace(/\s+/g, ''), 'hex');

/** A TLS 1.2 server flight: ServerHello (no extensions) and a Certificate message with `der`. */
function serverFlight(der: Uint8Array): Uint8Array {
  const u24 = (n: number): number[] => [n >> 16, (n >> 8) & 0xff, n & 0xff];
  const sh = [0x03, 0x03, ...new Array<number>(32).fill(9), 0, 0xc0, 0x2f, 0];
  const certs = [...u24(der.length), ...der];
  const cert = [...u24(certs.length), ...certs];
  const hs = [2, ...u24(sh.length), ...sh, 11, ...u24(cert.length), ...cert];
  return Uint8Array.from([0x16, 0x03, 0x03, ...u16(hs.length), ...hs]);
}

const okHello = clientHelloRecord('ok.example', 'h2');
const flight = serverFlight(HOSTILE_CERT);
const certFrames = conversation(V4, [
  { from: 'c', flags: F.SYN, seq: 100, t: 0 },
  { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: 0.001 },
  { from: 'c', flags: F.ACK, seq: 101, ack: 501, t: 0.002 },
  { from: 'c', flags: F.PSH | F.ACK, seq: 101, ack: 501, payload: okHello.length, t: 0.003 },
  { from: 's', flags: F.PSH | F.ACK, seq: 501, ack: 101 + okHello.length, payload: flight.length, t: 0.004 },
]);
certFrames[3].data.set(okHello, 54);
certFrames[4].data.set(flight, 54);
const certPath = join(mkdtempSync(join(tmpdir(), 'shakewatch-hostile-cert-')), 'hostile-cert.pcap');
writeFileSync(certPath, writePcap(certFrames));

describe('inspect: names from the wire cannot drive the terminal', () => {
  it('the text ladder shows the SNI escaped, with no raw control character', () => {
    const r = agent(['inspect', path]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const tls = r.stdout.split('\n').find((l) => l.startsWith('  tls: '));
    expect(tls).toContain(`SNI ${SNI_SHOWN}`);
    // eslint-disable-next-line no-control-regex -- the check is for raw controls
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('ndjson is JSON with every control character \\u-escaped, and the names exact', () => {
    const r = agent(['inspect', path, '-f', 'ndjson']);
    expect([r.status, r.stderr]).toEqual([0, '']);
    // eslint-disable-next-line no-control-regex -- the check is for raw C0 controls
    expect(r.stdout.replace(/\n$/, '')).not.toMatch(/[\u0000-\u001f]/);
    expect(r.stdout).toContain('\\u001b]0;owned\\u0007');
    const [e] = ndjson(r.stdout);
    expect(e.tls.client.server_name).toBe(SNI);
    expect(e.tls.client.alpn).toEqual([ALPN]);
  });

  it('a certificate name with a right-to-left override and an escape is shown escaped', () => {
    const r = agent(['inspect', certPath]);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const cert = r.stdout.split('\n').find((l) => l.startsWith('  tls: server certificate'));
    // OpenSSL already writes the ESC as \1B in a name; the override reached the terminal raw.
    expect(cert).toContain('CN=evil\\u202egpj.exe\\1B[31m issued by');
    expect(r.stdout).not.toMatch(/\p{Cf}/u);
    const [e] = ndjson(agent(['inspect', certPath, '-f', 'ndjson']).stdout);
    expect(e.tls.server.x509.subject).toBe('CN=evil\u202egpj.exe\\1B[31m');
  });
});
