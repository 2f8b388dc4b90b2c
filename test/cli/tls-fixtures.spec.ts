import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agent, FIXTURES, ndjson } from '../support/agent-cli';

/**
 * Every connection of the recorded TLS fixtures against what tshark says about it, as
 * TLS-MANIFEST.md tabulates it (regenerated with the captures by record-tls-fixtures.sh,
 * so a re-recording with new ports, keys and ciphers needs no change here): matched by
 * the client's port, never by a fixed port or order.
 */
interface ManifestRow {
  clientPort: number;
  negotiated: string;
  cipher: string;
  group: string;
  sni: string;
  alpnSelected: string;
  resumption: string;
  hrr: string;
  alerts: string;
  ja3: string;
  ja3s: string;
}

function manifest(): Map<string, ManifestRow[]> {
  const text = readFileSync(join(FIXTURES, 'TLS-MANIFEST.md'), 'utf8');
  const out = new Map<string, ManifestRow[]>();
  for (const section of text.split(/^### /m).slice(1)) {
    const file = /^`([^`]+)`/.exec(section)?.[1];
    if (file === undefined) continue;
    const rows = section.split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '')));
    // Two tables per capture, both keyed by tcp.stream: the handshake summary, then the hellos.
    const summary = rows.filter((r) => r.length === 11);
    const hellos = new Map(rows.filter((r) => r.length === 6).map((r) => [r[0], r]));
    out.set(
      file,
      summary.map((r) => {
        const h = hellos.get(r[0]) ?? [];
        return {
          clientPort: Number(/:(\d+) ->/.exec(r[1])?.[1]),
          negotiated: r[2], cipher: r[3], group: r[4], sni: r[5],
          alpnSelected: r[6].split(' -> ').pop() ?? '-',
          resumption: r[7].split(' -> ').pop() ?? '-',
          hrr: r[8], alerts: r[9],
          ja3: (h[2] ?? '').split('<br>')[0], ja3s: (h[3] ?? '').split('<br>')[0],
        };
      }),
    );
  }
  return out;
}

const ALERT_NAMES: Record<string, string> = { 'Unknown CA': 'unknown_ca', 'Handshake Failure': 'handshake_failure', 'Protocol Version': 'protocol_version', 'No application Protocol': 'no_application_protocol' };
const absent = (v: string): string | undefined => (v === '-' || v.startsWith('(') || v.startsWith('none') || v.startsWith('DH p') ? undefined : v);

const fixtures = manifest();

describe('inspect: the recorded TLS fixtures agree with tshark (TLS-MANIFEST.md)', () => {
  it('finds the TLS fixtures in the manifest', () => {
    expect([...fixtures.keys()]).toEqual(expect.arrayContaining(['tls-versions.pcap', 'tls-hrr.pcap', 'tls-resumption.pcap', 'tls-tiny-mtu.pcap']));
  });

  describe.each([...fixtures.keys()])('%s', (file) => {
    const rows = fixtures.get(file) as ManifestRow[];
    const events = ndjson(agent(['inspect', join(FIXTURES, file), '-f', 'ndjson']).stdout);

    it.each(rows.map((r) => [r.clientPort, r] as const))('client port %i', (port, row) => {
      const e = events.find((x) => x.source.port === port);
      expect(e).toBeDefined();
      const tls = e?.tls;
      expect({
        version: tls.version_name,
        cipher: tls.cipher,
        curve: tls.curve,
        server_name: tls.client?.server_name,
        next_protocol: tls.next_protocol,
        resumed: tls.resumed,
        hello_retry_request: tls.hello_retry_request ?? false,
        ja3: tls.client?.ja3,
        ja3s: tls.server?.ja3s,
      }).toEqual({
        version: absent(row.negotiated),
        cipher: absent(row.cipher),
        curve: absent(row.group),
        server_name: absent(row.sni),
        next_protocol: absent(row.alpnSelected),
        resumed: ['psk', 'ticket', 'session-id'].includes(row.resumption),
        hello_retry_request: row.hrr !== 'no',
        ja3: absent(row.ja3),
        ja3s: absent(row.ja3s),
      });
      // A plaintext alert ("client Fatal Unknown CA(48)") is ours too; one under encryption is never decoded.
      const plain = /^(client|server) Fatal (.+)\(\d+\)/.exec(row.alerts);
      if (plain) {
        expect(tls.alert).toEqual({ level: 'fatal', description: ALERT_NAMES[plain[2]] ?? plain[2], sender: plain[1] });
        expect(tls.established).toBe(false);
      } else {
        expect(tls.alert === undefined || tls.alert.level === 'encrypted').toBe(true);
      }
    });
  });

  it('names the plaintext protocol before STARTTLS', () => {
    const events = ndjson(agent(['inspect', join(FIXTURES, 'tls-starttls.pcap'), '-f', 'ndjson']).stdout);
    expect(events.map((e) => e.tls.starttls)).toEqual(['smtp', 'smtp']);
  });
});
