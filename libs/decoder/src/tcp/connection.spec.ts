import { Connection } from './connection';

/** Every own scalar field set to a value a fresh connection never has. */
function dirty(o: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number') o[k] = 424242;
    else if (typeof v === 'boolean') o[k] = !v;
    else if (typeof v === 'string') o[k] = 'dirty';
    else if (v === null || v === undefined) o[k] = { dirty: true };
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) v.fill(424242);
  }
}

describe('Connection.reuse', () => {
  it('leaves no field of the previous connection behind', () => {
    const client = Uint8Array.of(10, 0, 0, 1);
    const server = Uint8Array.of(10, 0, 0, 2);
    const fresh = new Connection(7, 4, client, 40000, server, 443, 99);
    const used = new Connection(1, 6, new Uint8Array(16), 1, new Uint8Array(16), 2, 3);
    dirty(used as unknown as Record<string, unknown>);
    for (const ep of [used.ep0, used.ep1]) dirty(ep as unknown as Record<string, unknown>);
    used.zeekHistory.flip();
    used.count('retransmission');
    used.reuse(7, 4, client, 40000, server, 443, 99);
    expect(used).toEqual(fresh);
    expect(used.zeekHistory.text).toBe(fresh.zeekHistory.text);
  });
});
