import fc from 'fast-check';
import { CaptureAnalyzer } from './capture-analyzer';
import { connectionEvent } from './event/connection-event';
import { LinkType } from './link/link-types';
import { PacketDecoder } from './packet-decoder';
import { rawFrame } from './capture/raw-packet';
import { writePcap } from './testing/capture-writer';
import { fixture, readCapture } from './testing/fixtures';

// Property tests over every public entry point: random bytes, truncations and
// mutations of real captures. The API must never throw, never hang, and account
// for every connection it created.

const REAL = ['tcp-normal-close.pcap', 'tcp-mixed.pcapng', 'tcp-ipv6.pcap', 'tcp-any-sll2.pcap', 'tcp-vlan.pcap', 'tls-basic.pcap'].map((n) => [n, fixture(n)] as const);

function runAnalyzer(bytes: Uint8Array, chunks: number[] = [bytes.length]): { events: string[]; analyzer: CaptureAnalyzer } {
  const events: string[] = [];
  const analyzer = new CaptureAnalyzer((c) => events.push(JSON.stringify(connectionEvent(c))), { maxConnections: 64 });
  let o = 0;
  for (const size of chunks) {
    if (o >= bytes.length) break;
    analyzer.push(bytes.subarray(o, o + Math.max(1, size)));
    o += Math.max(1, size);
  }
  if (o < bytes.length) analyzer.push(bytes.subarray(o));
  analyzer.end();
  return { events, analyzer };
}

function accountsForEverything(a: CaptureAnalyzer): void {
  const st = a.tracker.stats;
  expect(st.active).toBe(0);
  expect(st.connectionsEnded).toBe(st.connectionsCreated);
}

describe('fuzz: CaptureAnalyzer', () => {
  it('never throws on random bytes, with or without a valid file header', () => {
    const pcapHeader = writePcap([]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), fc.constantFrom(1, 0, 101, 113, 276, 9), (body, withHeader, link) => {
        const header = pcapHeader.slice();
        new DataView(header.buffer).setUint32(20, link, true);
        const bytes = withHeader ? Uint8Array.from([...header, ...body]) : body;
        const { analyzer } = runAnalyzer(bytes);
        accountsForEverything(analyzer);
      }),
      { numRuns: 400 },
    );
  });

  it.each(REAL)('every truncation of %s ends every connection, yields no extra ones and never throws', (_name, bytes) => {
    const whole = runAnalyzer(bytes).events.length;
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let cut = 0; cut <= bytes.length; cut += step) {
      const { analyzer, events } = runAnalyzer(bytes.subarray(0, cut));
      accountsForEverything(analyzer);
      expect(events.length).toBeLessThanOrEqual(whole);
      if (cut < bytes.length && cut > 0) expect(analyzer.error === null || analyzer.error.code.startsWith('capture.')).toBe(true);
    }
  });

  it.each(REAL)('random chunking of %s gives exactly the events of one push', (_name, bytes) => {
    const whole = runAnalyzer(bytes).events;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 200 }), (chunks) => {
        expect(runAnalyzer(bytes, chunks).events).toEqual(whole);
      }),
      { numRuns: 30 },
    );
  });

  it.each(REAL)('random byte mutations of %s never throw', (_name, bytes) => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 40 }), (edits) => {
        const m = bytes.slice();
        for (const [at, v] of edits) m[at] = v;
        const { analyzer } = runAnalyzer(m);
        accountsForEverything(analyzer);
      }),
      { numRuns: 150 },
    );
  });
});

describe('fuzz: PacketDecoder', () => {
  const links = Object.values(LinkType);
  const realFrames = REAL.flatMap(([, b]) => readCapture(b).packets.map((p) => p.data));

  it('never throws on random frames for any link type', () => {
    const d = new PacketDecoder();
    fc.assert(
      fc.property(fc.constantFrom(...links), fc.uint8Array({ maxLength: 300 }), (linkType, data) => {
        d.decode(rawFrame(data, { linkType }));
      }),
      { numRuns: 3000 },
    );
  });

  it('every truncation and mutation of real frames is a value, never a throw', () => {
    const d = new PacketDecoder();
    for (const frame of realFrames.slice(0, 60)) {
      for (let cut = 0; cut <= frame.length; cut++) {
        const p = d.decode(rawFrame(frame.subarray(0, cut), { origLen: frame.length }));
        if (p !== null) expect(p.payloadOffset + p.payloadCaptured).toBeLessThanOrEqual(cut);
      }
    }
    fc.assert(
      fc.property(fc.constantFrom(...realFrames), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (frame, edits) => {
        const m = frame.slice();
        for (const [at, v] of edits) m[at % m.length] = v;
        const p = d.decode(rawFrame(m));
        if (p !== null) {
          expect(p.payloadOffset + p.payloadCaptured).toBeLessThanOrEqual(m.length);
          expect(p.payloadCaptured).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fuzz: malformed TLS never disturbs TCP accounting', () => {
  // Mutate only TCP payload bytes of the recorded TLS captures: whatever the TLS parser
  // makes of them, the TCP part of every event must equal the analysis with TLS off.
  const tcpPart = (bytes: Uint8Array, tls: boolean): string[] => {
    const out: string[] = [];
    const a = new CaptureAnalyzer((c) => {
      const e = connectionEvent(c);
      out.push(JSON.stringify([e.source, e.destination, e.tcp, e.event]));
    }, { tls });
    a.push(bytes);
    a.end();
    return out;
  };
  const payloadOffsets = (bytes: Uint8Array): number[] => {
    const offsets: number[] = [];
    const d = new PacketDecoder();
    let fileOffset = 24; // pcap: global header, then 16-byte record headers
    for (const p of readCapture(bytes).packets) {
      const t = d.decode(p);
      if (t !== null) for (let i = 0; i < t.payloadCaptured; i++) offsets.push(fileOffset + 16 + t.payloadOffset + i);
      fileOffset += 16 + p.data.length;
    }
    return offsets;
  };

  it.each(['tls-basic.pcap', 'tls-tiny-mtu.pcap', 'tls-hrr.pcap', 'tls-alerts.pcap'])('%s', (name) => {
    const bytes = fixture(name);
    const offsets = payloadOffsets(bytes);
    expect(offsets.length).toBeGreaterThan(1000);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...offsets), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 60 }), (edits) => {
        const m = bytes.slice();
        for (const [at, v] of edits) m[at] = v;
        expect(tcpPart(m, true)).toEqual(tcpPart(m, false));
      }),
      { numRuns: 60 },
    );
  });
});
