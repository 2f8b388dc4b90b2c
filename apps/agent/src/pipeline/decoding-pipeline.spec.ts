import { CaptureReader, connectionEvent, type Connection, type TlsSession } from '@shakewatch/decoder';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodingPipeline, type DecodingPipelineOptions } from './decoding-pipeline';

/** One of the project's recorded captures (test/fixtures/captures, see its MANIFEST.md). */
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, '../../../../test/fixtures/captures', name)));

function run(name: string, options: Omit<DecodingPipelineOptions, 'onConnection'>, onConnection: (c: Connection) => void): DecodingPipeline {
  const p = new DecodingPipeline({ ...options, onConnection });
  const reader = new CaptureReader((raw) => p.packet(raw));
  reader.push(fixture(name));
  expect(reader.end()).toBeNull();
  p.flush();
  return p;
}

describe('DecodingPipeline: the TLS release rule', () => {
  it.each(['tls-basic.pcap', 'tls-alerts.pcap', 'tls-resumption.pcap', 'tls-hrr.pcap', 'tcp-mixed.pcapng'])('%s: one outcome per TLS connection, the session let go, the same events as when kept', (name) => {
    const outcomes = new Map<number, TlsSession[]>();
    const released: string[] = [];
    let kept = 0;
    run(name, { tlsEvents: true, onTlsOutcome: (t, c) => outcomes.set(c.id, [...(outcomes.get(c.id) ?? []), t]) }, (c) => {
      if (c.tls !== null && c.tlsDone) kept++;
      released.push(JSON.stringify(connectionEvent(c)));
    });
    const ladder: string[] = [];
    run(name, { recordLadder: true }, (c) => ladder.push(JSON.stringify(connectionEvent(c))));
    expect(released).toEqual(ladder);
    expect(kept).toBe(0);
    for (const [, list] of outcomes) expect(list).toHaveLength(1);
    if (name.startsWith('tls-')) expect(outcomes.size).toBeGreaterThan(0);
  });

  it('keeps the sessions for a ladder, and hands over the outcome of a session that never finished when its connection ends', () => {
    let withSession = 0;
    run('tls-basic.pcap', { recordLadder: true }, (c) => {
      if (c.tls !== null) withSession++;
    });
    expect(withSession).toBeGreaterThan(0);
    // tcp-normal-close.pcap carries no TLS: no outcome at all
    const none: TlsSession[] = [];
    const p = run('tcp-normal-close.pcap', { onTlsOutcome: (t) => none.push(t) }, () => undefined);
    expect(none.filter((t) => t.isTls)).toEqual([]);
    expect(p.tcpPackets).toBeGreaterThan(0);
  });
});
