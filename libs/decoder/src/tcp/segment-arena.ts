/** Slab size: above glibc's mmap threshold (128 KiB), so a slab let go goes back to the system. */
const SLAB_BYTES = 256 * 1024;

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
  /** An empty slab kept for the next one (counted in `bytes`). */
  private spare: Uint8Array | null = null;
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
    // One empty slab is kept for the next (a fresh one is zeroed: 256 KiB written per slab).
    if (this.spare === null) this.spare = new Uint8Array(copy.buffer);
    else this.bytes -= SLAB_BYTES;
  }

  private newSlab(): void {
    // The old slab stays held (counted) while copies in it are.
    if (this.slab !== null && !this.live.has(this.slab.buffer)) this.bytes -= SLAB_BYTES;
    if (this.spare !== null) {
      this.slab = this.spare;
      this.spare = null;
    } else {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.bytes += SLAB_BYTES;
    }
    this.used = 0;
  }
}
