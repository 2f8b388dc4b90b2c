/** Slab size: above glibc's mmap threshold (128 KiB), so a slab let go goes back to the system. */
const SLAB_BYTES = 256 * 1024;
/** Empty slabs kept at most (4 MiB). */
const SPARE_SLABS = 16;

/**
 * Where reassembly keeps copies of out-of-order segments: cut from large slabs in arrival
 * order, each slab let go once no copy in it is held. One small allocation per held segment
 * (1,400 bytes, millions of them under an attack that sends holes) left the process holding
 * freed but fragmented memory far past what was ever held at once; slabs are few and large,
 * and since the memory budget sheds the oldest held bytes first, the oldest slabs empty
 * first. `bytes` is what the slabs take, the figure the budget counts.
 */
export class SegmentArena {
  /** Slabs held (the current one included). */
  bytes = 0;
  private slab: Uint8Array | null = null;
  /** Empty slabs kept for the next ones (counted in `bytes`). */
  private readonly spares: Uint8Array[] = [];
  private used = 0;
  /** Copies still held in each slab. */
  private readonly live = new Map<ArrayBufferLike, number>();

  /** A copy of `data` that owns no part of the caller's buffer. Give it back with `release`. */
  copy(data: Uint8Array): Uint8Array {
    const n = data.length;
    if (n > SLAB_BYTES / 4) {
      // Large: its own allocation (counted while held).
      const own = data.slice();
      this.bytes += own.byteLength;
      return own;
    }
    if (this.slab === null || this.used + n > SLAB_BYTES) this.newSlab();
    const slab = this.slab as Uint8Array;
    const out = slab.subarray(this.used, this.used + n);
    out.set(data);
    this.used += n;
    this.live.set(slab.buffer, (this.live.get(slab.buffer) ?? 0) + 1);
    return out;
  }

  release(copy: Uint8Array): void {
    const held = this.live.get(copy.buffer);
    if (held === undefined) {
      this.bytes -= copy.byteLength;
      return;
    }
    if (held > 1) {
      this.live.set(copy.buffer, held - 1);
      return;
    }
    this.live.delete(copy.buffer);
    if (this.slab !== null && copy.buffer === this.slab.buffer) {
      // The current slab, empty: cut from its start again.
      this.used = 0;
      return;
    }
    // Empty slabs are kept for the next ones (up to SPARE_SLABS): a slab dropped is only
    // given back when the collector runs, and a fresh one is 256 KiB zeroed.
    if (this.spares.length < SPARE_SLABS) this.spares.push(new Uint8Array(copy.buffer));
    else this.bytes -= SLAB_BYTES;
  }

  /** Let the empty slabs kept for later go (the memory budget needs their bytes now). */
  dropSpares(): void {
    this.bytes -= this.spares.length * SLAB_BYTES;
    this.spares.length = 0;
  }

  private newSlab(): void {
    // The old slab stays held (counted) while copies in it are.
    if (this.slab !== null && !this.live.has(this.slab.buffer)) this.bytes -= SLAB_BYTES;
    const spare = this.spares.pop();
    if (spare !== undefined) {
      this.slab = spare;
    } else {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.bytes += SLAB_BYTES;
    }
    this.used = 0;
  }
}
