import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';

export const CHUNK_BYTES = 1024 * 1024;

/**
 * Read a file from start to end in 1 MiB chunks into one reused buffer, so a 200 MB
 * capture does not leave 200 dead 1 MiB buffers to the garbage collector. A chunk is
 * valid until the caller asks for the next one: the capture reader copies the one
 * incomplete record it may keep, nothing more.
 *
 * Regular files are read synchronously: a 1 MiB read from the page cache is a copy of a
 * few hundred microseconds, less than what handing it to libuv's thread pool and waiting
 * for the completion cost the main thread on a busy 2-core machine (about 10 ms less in
 * 0.6 s on the 200 MB benchmark capture, bench/README.md). The event loop still gets a
 * turn after each chunk, so timers (the progress bar, the agent's snapshots) and signals
 * are served. Anything else (a FIFO, a pipe, a character device) may block for as long as
 * its writer likes, so it is read asynchronously and `signal` ends the wait at once.
 */
export async function* readChunks(path: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  // O_NONBLOCK: opening a FIFO without a writer must not block; reads from a regular file ignore the flag.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  let regular: boolean;
  try {
    regular = fstatSync(fd).isFile();
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  if (!regular) {
    yield* readStream(fd, signal);
    return;
  }
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

/**
 * Chunks of a FIFO, pipe or device, read without blocking the event loop: FIFOs and pipes
 * through epoll (a libuv pipe: no data and no writer yet is a wait, not an end), anything
 * else by libuv's thread pool. An abort ends the wait at once.
 */
async function* readStream(fd: number, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const st = fstatSync(fd);
  const stream: Readable = st.isFIFO() || st.isSocket()
    ? new Socket({ fd, readable: true, writable: false })
    : createReadStream('', { fd, highWaterMark: CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<Buffer>>((resolve) => {
    if (signal?.aborted) resolve({ done: true, value: undefined });
    signal?.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([chunks.next() as Promise<IteratorResult<Buffer>>, aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    stream.destroy();
  }
}
