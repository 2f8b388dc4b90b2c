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
});
