import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1024 * 1024;

/**
 * Read a file in 1 MiB chunks into two reused buffers, so a 200 MB capture does not leave
 * 200 dead 1 MiB buffers to the garbage collector. The next chunk is read (on libuv's
 * thread pool) while the caller works on this one: with one buffer the decoder sat idle
 * for every read, about a tenth of a large file's wall time. A chunk is valid until the
 * caller asks for the next one: the capture reader copies the one incomplete record it
 * may keep, nothing more.
 */
export async function* readChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  const buffers = [new Uint8Array(CHUNK_BYTES), new Uint8Array(CHUNK_BYTES)];
  let position = 0;
  let turn = 0;
  const readInto = (buffer: Uint8Array) => {
    const read = file.read(buffer, 0, CHUNK_BYTES, position);
    // Marked handled now: a read that fails while the caller is busy is rethrown by the
    // `await` below, not reported by Node as an unhandled rejection in between.
    read.catch(() => undefined);
    return read;
  };
  let pending = readInto(buffers[turn]);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      position += bytesRead;
      const chunk = buffers[turn].subarray(0, bytesRead);
      turn ^= 1;
      pending = readInto(buffers[turn]);
      yield chunk;
    }
  } finally {
    await pending.catch(() => undefined);
    await file.close();
  }
}
