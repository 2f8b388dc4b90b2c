/**
 * A queue of incoming chunks that hands out views. A read inside one chunk is a
 * zero-copy view; only a read that spans two chunks copies (as ws's receiver does).
 * Views stay valid until the caller's packet callback returns: chunks are never
 * written to, but the caller must not keep them.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // read offset into chunks[0]
  private total = 0;
  /** Bytes consumed since the start of the stream (file offset of the next read). */
  consumed = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // A Node Buffer's subarray() runs Buffer's own JavaScript constructor; a plain
    // Uint8Array view over the same memory gets the engine's built-in one, several
    // times cheaper, and every packet is a view.
    if (chunk.constructor !== Uint8Array) chunk = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /**
   * The chunk the next read starts in and the offset of that read within it, or null
   * when nothing is buffered: lets a parser read a record header in place, with no view.
   */
  get firstChunk(): Uint8Array | null {
    return this.chunks.length > 0 ? this.chunks[0] : null;
  }

  get firstOffset(): number {
    return this.head;
  }

  /** The next `n` bytes without consuming them, or null when fewer are buffered. */
  peek(n: number): Uint8Array | null {
    if (n > this.total) return null;
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    return this.gather(n);
  }

  /** Consume and return the next `n` bytes, or null when fewer are buffered. */
  read(n: number): Uint8Array | null {
    const view = this.peek(n);
    if (view !== null) this.skip(n);
    return view;
  }

  skip(n: number): void {
    this.total -= n;
    this.consumed += n;
    while (n > 0) {
      const first = this.chunks[0];
      const left = first.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
    if (this.chunks.length > 0 && this.chunks[0].length === this.head) {
      this.chunks.shift();
      this.head = 0;
    }
  }

  /**
   * Copy whatever is still buffered into memory of our own, so the caller may reuse the
   * chunks it pushed. What remains is at most one incomplete record: a small copy.
   */
  detach(): void {
    if (this.total === 0) {
      this.chunks = [];
      this.head = 0;
      return;
    }
    const rest = this.gather(this.total);
    this.chunks = [rest];
    this.head = 0;
  }

  private gather(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let offset = this.head;
    for (const chunk of this.chunks) {
      const take = Math.min(n - filled, chunk.length - offset);
      out.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset = 0;
      if (filled === n) break;
    }
    return out;
  }
}
