import { writePcapng } from '../testing/capture-writer';
import { fixture, readCapture } from '../testing/fixtures';
import { splitTimestamp } from './pcapng-timestamp';

describe('pcapng reader', () => {
  // Recorded with dumpcap on two interfaces (veth and lo) by test/fixtures/record-fixtures.sh.
  const mixed = fixture('tcp-mixed.pcapng');

  it('reads a real two-interface pcapng written by dumpcap', () => {
    const r = readCapture(mixed);
    expect(r.error).toBeNull();
    expect(r.packets).toHaveLength(36);
    expect(new Set(r.packets.map((p) => p.interfaceId))).toEqual(new Set([0, 1]));
    expect(r.packets.every((p) => p.linkType === 1)).toBe(true);
    // dumpcap writes if_tsresol = 9 (nanoseconds)
    expect(r.packets.some((p) => p.tsNsec % 1000 !== 0)).toBe(true);
  });

  const frames = readCapture(fixture('tcp-nanosecond.pcap')).packets;

  it.each([
    ['little-endian, nanoseconds', true, 9],
    ['big-endian, microseconds', false, 6],
    ['big-endian, nanoseconds', false, 9],
    ['little-endian, 2^-20 s', true, 0x80 | 20],
    ['little-endian, milliseconds', true, 3],
  ])('reads %s with the interface resolution', (_name, littleEndian, tsresol) => {
    const r = readCapture(writePcapng(frames, [{ linkType: 1, tsresol }], { littleEndian, unknownBlocks: true }));
    expect(r.error).toBeNull();
    expect(r.packets.map((p) => Buffer.from(p.data).toString('hex'))).toEqual(frames.map((p) => Buffer.from(p.data).toString('hex')));
    const units = tsresol & 0x80 ? 2 ** (tsresol & 0x7f) : 10 ** tsresol;
    const tolNs = Math.ceil(1e9 / units);
    r.packets.forEach((p, i) => {
      expect(p.tsSec).toBe(frames[i].tsSec);
      expect(Math.abs(p.tsNsec - frames[i].tsNsec)).toBeLessThan(tolNs);
    });
  });

  it('keeps per-interface link types in one file', () => {
    const twoIfaces = writePcapng(
      frames.slice(0, 4).map((f, i) => ({ ...f, interfaceId: i % 2 })),
      [{ linkType: 1 }, { linkType: 101, tsresol: 9 }],
    );
    const r = readCapture(twoIfaces);
    expect(r.packets.map((p) => p.linkType)).toEqual([1, 101, 1, 101]);
  });

  it('reads simple packet blocks', () => {
    const r = readCapture(writePcapng(frames, [{ linkType: 1 }], { simple: true }));
    expect(r.error).toBeNull();
    expect(r.packets).toHaveLength(frames.length);
  });

  it('reports a packet on an undeclared interface, a bad block length and a truncated block', () => {
    const bad = writePcapng([{ ...frames[0], interfaceId: 3 }], [{ linkType: 1 }]);
    expect(readCapture(bad).error?.code).toBe('capture.unknown_interface');
    const corrupt = mixed.slice();
    new DataView(corrupt.buffer).setUint32(4, 13, true); // SHB length not a multiple of 4
    expect(readCapture(corrupt).error?.code).toBe('capture.bad_block');
    const r = readCapture(mixed.subarray(0, mixed.length - 10));
    expect(r.error?.code).toBe('capture.truncated_record');
    expect(r.packets.length).toBeGreaterThan(30);
  });

  it('splits 64-bit timestamps exactly', () => {
    const out: [number, number] = [0, 0];
    // 1700000000.123456789 s in nanoseconds = 0x17979CFE_3D85CD15 (above 2^53)
    splitTimestamp(0x17979cfe, 0x3d85cd15, { unitsPerSecond: 1e9 }, out);
    expect(out).toEqual([1700000000, 123456789]);
    // 1700000000.123457 s in microseconds = 0x00060A24_18202241
    splitTimestamp(0x00060a24, 0x18202241, { unitsPerSecond: 1e6 }, out);
    expect(out).toEqual([1700000000, 123457000]);
  });
});
