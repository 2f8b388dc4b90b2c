/**
 * A bounds-checked reader for TLS structures. Reading past the end never throws: it
 * returns zeros, sets `bad`, and the parser checks `bad` once at the end (tls-parser's
 * "panic-free by design").
 */
export class ByteReader {
  bad = false;
  constructor(private readonly b: Uint8Array, public pos = 0, public end = b.length) {}

  get left(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n > this.end - this.pos) {
      this.bad = true;
      this.pos = this.end;
      return -1;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.b[at];
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : (this.b[at] << 8) | this.b[at + 1];
  }

  u24(): number {
    const at = this.take(3);
    return at < 0 ? 0 : (this.b[at] << 16) | (this.b[at + 1] << 8) | this.b[at + 2];
  }

  /** A view of the next n bytes (empty when short). */
  view(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(0) : this.b.subarray(at, at + n);
  }

  /** A reader over the next n bytes, advancing past them (a length-prefixed vector). */
  sub(n: number): ByteReader {
    const at = this.take(n);
    return at < 0 ? Object.assign(new ByteReader(this.b, 0, 0), { bad: true }) : new ByteReader(this.b, at, at + n);
  }

  u16List(r: ByteReader = this): number[] {
    const out: number[] = [];
    while (r.left >= 2) out.push(r.u16());
    if (r.left !== 0) r.bad = true;
    return out;
  }
}
