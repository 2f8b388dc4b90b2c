import { writePcap } from '../testing/capture-writer';
import { CaptureReader } from './capture-reader';
import { frameBytes } from './raw-packet';
import { fixture, readCapture } from '../testing/fixtures';

// Fixtures: test/fixtures/captures, recorded by test/fixtures/record-fixtures.sh (see MANIFEST.md there).
describe('pcap reader', () => {
  const normal = fixture('tcp-normal-close.pcap'); // 30 packets, LE, microseconds
  const nano = fixture('tcp-nanosecond.pcap'); // 10 packets, LE, nanoseconds

  it.each([
    ['tcp-normal-close.pcap', 30, 'microsecond'],
    ['tcp-nanosecond.pcap', 10, 'nanosecond'],
    ['tcp-any-sll2.pcap', 10, 'microsecond'],
  ])('reads every packet of %s (%i packets)', (name, count) => {
    const r = readCapture(fixture(name));
    expect(r.error).toBeNull();
    expect(r.packets).toHaveLength(count);
    expect(r.packets.map((p) => p.frame)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  });

  it('keeps nanosecond timestamps exact and scales microseconds', () => {
    const r = readCapture(nano);
    expect(r.packets.some((p) => p.tsNsec % 1000 !== 0)).toBe(true);
    const u = readCapture(normal);
    expect(u.packets.every((p) => p.tsNsec % 1000 === 0 && p.tsNsec < 1e9)).toBe(true);
  });

  it('reads the same packets from a big-endian rewrite of a real capture', () => {
    const le = readCapture(normal);
    const be = readCapture(writePcap(le.packets, { littleEndian: false }));
    expect(be.error).toBeNull();
    expect(be.packets.map((p) => [p.tsSec, p.tsNsec, Buffer.from(p.data).toString('hex')])).toEqual(
      le.packets.map((p) => [p.tsSec, p.tsNsec, Buffer.from(p.data).toString('hex')]),
    );
    const beNano = readCapture(writePcap(readCapture(nano).packets, { littleEndian: false, nanos: true }));
    expect(beNano.packets.map((p) => p.tsNsec)).toEqual(readCapture(nano).packets.map((p) => p.tsNsec));
  });

  it('gives the same packets whatever the chunk size (every split of a small file)', () => {
    const whole = readCapture(nano);
    for (const chunk of [1, 2, 3, 7, 16, 24, 25, 100, 1000]) {
      const r = readCapture(nano, chunk);
      expect(r.error).toBeNull();
      expect(r.packets).toEqual(whole.packets);
    }
  });

  it('keeps no reference to a pushed chunk: the caller may reuse one buffer for every read', () => {
    const whole = readCapture(nano).packets;
    for (const size of [7, 64, 100, 333]) {
      const packets: Uint8Array[] = [];
      const reader = new CaptureReader((p) => packets.push(frameBytes(p).slice()));
      const buf = new Uint8Array(size);
      for (let o = 0; o < nano.length; o += size) {
        const n = Math.min(size, nano.length - o);
        buf.set(nano.subarray(o, o + n));
        reader.push(buf.subarray(0, n));
        buf.fill(0xee); // scribble over it, as the next read would
      }
      expect(reader.end()).toBeNull();
      expect(packets).toEqual(whole.map((p) => p.data));
    }
  });

  it('yields every packet before a truncation, then one truncation error', () => {
    const whole = readCapture(normal).packets;
    for (let cut = 1; cut < normal.length; cut += 37) {
      const r = readCapture(normal.subarray(0, cut));
      expect(r.packets).toEqual(whole.slice(0, r.packets.length));
      if (cut < 24) expect(r.error?.code).toBe('capture.truncated_header');
      else if (r.packets.length < whole.length && r.error) expect(r.error.code).toBe('capture.truncated_record');
    }
  });

  it('stops with a clear error at an impossible record length', () => {
    const bad = normal.slice();
    new DataView(bad.buffer).setUint32(24 + 8, 0x7fffffff, true); // first record's caplen
    const r = readCapture(bad);
    expect(r.packets).toHaveLength(0);
    expect(r.error?.code).toBe('capture.record_too_large');
    expect(r.error?.message).toMatch(/corrupt/);
  });

  it('rejects files that are not captures, and empty files', () => {
    expect(readCapture(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')).error?.code).toBe('capture.unknown_format');
    expect(readCapture(new Uint8Array(0)).error?.code).toBe('capture.truncated_header');
    const badVersion = normal.slice(0, 24);
    badVersion[4] = 9;
    expect(readCapture(badVersion).error?.code).toBe('capture.bad_version');
  });
});
