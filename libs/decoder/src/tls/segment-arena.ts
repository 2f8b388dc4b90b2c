import { copyBytes } from '../bytes';

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

  /** The slab (or own copy) the last `put` wrote into. */
  lastSlab: Uint8Array = new Uint8Array(0);

  /**
   * A copy of `data`: written into `lastSlab` at the offset returned (no view object is
   * made). Give it back with `release(lastSlab as it was)`.
   */
  put(data: Uint8Array): number {
    const n = data.length;
    if (n > SLAB_BYTES / 4) {
      // Large: its own allocation (counted while held).
      this.lastSlab = copyBytes(data, 0, n); // not data.slice(): on a Buffer that is a view of the read chunk
      this.bytes += n;
      return 0;
    }
    if (this.slab === null || this.used + n > SLAB_BYTES) this.newSlab();
    const slab = this.slab as Uint8Array;
    const at = this.used;
    slab.set(data, at);
    this.used += n;
    this.live.set(slab.buffer, (this.live.get(slab.buffer) ?? 0) + 1);
    this.lastSlab = slab;
    return at;
  }

  /** A copy of `data` as a view of its own (`put`, for callers that want one). */
  copy(data: Uint8Array): Uint8Array {
    const at = this.put(data);
    return this.lastSlab.subarray(at, at + data.length);
  }

  /** A copy is no longer held: `copy` is the view `copy` gave, or the `lastSlab` its `put` wrote into. */
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
