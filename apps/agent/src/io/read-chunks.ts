import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1024 * 1024;

/**
 * Read a file in 1 MiB chunks into one reused buffer, so a 200 MB capture does not leave
 * 200 dead 1 MiB buffers to the garbage collector. A chunk is valid until the next one is
 * read: the capture reader copies the one incomplete record it may keep, nothing more.
 */
export async function* readChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buf = new Uint8Array(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
