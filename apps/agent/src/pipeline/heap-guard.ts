import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Keeps the JavaScript heap near the tracker's memory budget. V8 collects its old space
 * lazily: state churned under an attack (connections shed and made again, hundreds of
 * thousands a second) left the heap holding twice to three times the live state as garbage
 * (bench/README.md, attacks). When the heap in use passes the budget, one full collection
 * runs; normal traffic never gets there. If the live heap alone is near the limit (state
 * the budget does not see), the limit moves a quarter above it, so collections never run
 * back to back.
 */
export class HeapGuard {
  collections = 0;
  private readonly collect: () => void;

  /** `limitBytes`: what heap and buffers may reach before a collection (the pipeline gives 80% of the budget; the tracker holds its accounted state to 40% of it). */
  constructor(private limitBytes: number) {
    this.collect = exposeGc();
  }

  check(): void {
    if (heapAndBuffers() <= this.limitBytes) return;
    this.collect();
    this.collections++;
    const live = heapAndBuffers();
    if (live > this.limitBytes * 0.9) this.limitBytes = Math.ceil(live * 1.25);
  }
}

/** The JS heap in use and the buffers outside it (typed arrays' memory). */
function heapAndBuffers(): number {
  const h = getHeapStatistics();
  return h.used_heap_size + h.external_memory;
}

/** V8's gc(), without --expose-gc on the command line (the flag is set for one lookup). */
function exposeGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}
