import { closeSync, openSync, readSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';

export const CHUNK_BYTES = 1024 * 1024;

/**
 * Read a file from start to end in 1 MiB chunks into one reused buffer, so a 200 MB
 * capture does not leave 200 dead 1 MiB buffers to the garbage collector. A chunk is
 * valid until the caller asks for the next one: the capture reader copies the one
 * incomplete record it may keep, nothing more.
 *
 * Reads are synchronous: a 1 MiB read from the page cache is a copy of a few hundred
 * microseconds, less than what handing it to libuv's thread pool and waiting for the
 * completion cost the main thread on a busy 2-core machine (about 10 ms less in 0.6 s on
 * the 200 MB benchmark capture, bench/README.md). The event loop still gets a turn after each
 * chunk, so timers (the progress bar, the agent's snapshots) and signals are served.
 * Reading is sequential (no positions), so pipes and FIFOs work too.
 */
export async function* readChunks(path: string): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  const buffer = new Uint8Array(CHUNK_BYTES);
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) return;
      yield buffer.subarray(0, n);
      await turn();
    }
  } finally {
    closeSync(fd);
  }
}
