import { Connection } from '../tcp/connection';
import { ReassemblyPool } from './reassembly-pool';
import { SegmentArena } from './segment-arena';
import { StreamReassembler } from './stream-reassembler';
import { releaseReassembly } from './tls-feed';

const connection = (port: number): Connection => new Connection(port, 4, Uint8Array.from([10, 0, 0, 1]), port, Uint8Array.from([10, 0, 0, 2]), 443, port);
const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

describe('ReassemblyPool', () => {
  it('gives an ended connection\'s pair to the next one: nulled on the first, made new, its sinks on the second', () => {
    const pool = new ReassemblyPool(false, new SegmentArena());
    const first = connection(1);
    const r = (first.reassembly = pool.take(first));
    r[0].start(100);
    r[0].segment(110, bytes(5, 1)); // held: a hole before it
    r[0].segment(100, bytes(3, 2)); // delivered: the first connection's session
    releaseReassembly(first, pool);
    expect(first.reassembly).toBeNull();
    expect(r[0].heldBytes).toBe(0);

    const second = connection(2);
    const again = pool.take(second);
    expect(again).toBe(r);
    again[0].start(5000);
    again[0].segment(5000, Uint8Array.from([0x16, 3, 3]));
    expect(second.tls).not.toBeNull(); // the bytes went to the second connection's session
    expect(again[0].delivered).toBe(3);
    expect(again[0].gaps).toBe(0);
    expect(first.tls).not.toBeNull();
    expect(second.tls).not.toBe(first.tls);
  });

  it('makes new pairs when none was given back, and keeps at most its cap', () => {
    const pool = new ReassemblyPool(false);
    const a = pool.take(connection(1));
    const b = pool.take(connection(2));
    expect(a).not.toBe(b);
    for (let i = 0; i < 1100; i++) pool.give([new StreamReassembler({ data: () => undefined, gap: () => undefined }), new StreamReassembler({ data: () => undefined, gap: () => undefined })]);
    expect(pool['spare'].length).toBe(1024);
  });
});

describe('StreamReassembler holding again', () => {
  it('keeps its held lists, emptied, after a shed, and reads the same afterwards', () => {
    const got: number[] = [];
    const r = new StreamReassembler({ data: (b) => got.push(...b), gap: () => undefined });
    r.start(0);
    r.segment(10, bytes(2, 7));
    const held = r['held'];
    expect(r.shed()).toBe(2);
    expect(r['held']).toBe(held);
    expect(r.heldBytes).toBe(0);
    r.segment(20, bytes(2, 9)); // ahead again: held in the same lists
    r.segment(12, bytes(8, 8)); // fills the hole: both delivered in order
    expect(r['held']).toBe(held);
    expect(got).toEqual([...bytes(8, 8), ...bytes(2, 9)]);
  });
});
