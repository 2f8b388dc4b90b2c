import { EventEmitter } from 'node:events';
import type { JsonByteWriter } from '@shakewatch/decoder';
import { StdoutWriter } from './stdout-writer';

/** A stdout that records each chunk (and a copy of its bytes when written), and can hold writes back. */
class FakeOut extends EventEmitter {
  chunks: Uint8Array[] = [];
  copies: string[] = [];
  writableLength = 0;
  /** Keep written chunks queued (writableLength > 0) as a slow terminal does. */
  queue = false;
  /** write() answers false (over the high-water mark) while this is set. */
  full = false;

  write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk);
    this.copies.push(latin1(chunk));
    if (this.queue) this.writableLength += chunk.length;
    return !this.full;
  }

  get text(): string {
    return this.copies.join('');
  }
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
// (Small Buffers share Node's pool: the same memory is the same ArrayBuffer at the same offset.)
const sameMemory = (a: Uint8Array, b: Uint8Array): boolean => a.buffer === b.buffer && a.byteOffset === b.byteOffset;
const writer = (out: FakeOut, flushAt = 64 * 1024): StdoutWriter => new StdoutWriter(out as unknown as NodeJS.WriteStream, flushAt);

/** A line of `n` pieces written through the byte sink: `{"i":0,"s":"é0"},...`. */
const pieces = (w: JsonByteWriter, n: number): void => {
  for (let i = 0; i < n; i++) {
    if (i > 0) w.byte(0x2c);
    w.text('{"i":');
    w.number(i);
    w.text(',"s":');
    w.string(`é${i}`);
    w.byte(0x7d);
  }
};
const piecesText = (n: number): string => Array.from({ length: n }, (_, i) => JSON.stringify({ i, s: `é${i}` })).join(',');

describe('StdoutWriter', () => {
  it('lineWith: the bytes the callback writes, then a newline, among text lines, in order', async () => {
    const out = new FakeOut();
    const w = writer(out);
    w.line('first é 😀');
    w.lineWith(pieces, 3);
    w.lineWith((sink, s: string) => sink.string(s), 'a"b\n\u2028');
    w.line('');
    w.lineWith(pieces, 1);
    await w.flush(true);
    expect(out.text).toBe(utf8(`first é 😀\n${piecesText(3)}\n${JSON.stringify('a"b\n\u2028')}\n\n${piecesText(1)}\n`));
  });

  it('a line larger than the buffer grows it in the middle, and text lines still go in after', async () => {
    const out = new FakeOut();
    const w = writer(out, 16); // a 32-byte buffer
    w.line('ab');
    w.lineWith(pieces, 200); // ~3.5 KB
    w.line('é'.repeat(100));
    w.lineWith(pieces, 2);
    await w.flush(true);
    expect(out.chunks).toHaveLength(1);
    expect(Buffer.isBuffer(out.chunks[0])).toBe(true);
    expect(out.text).toBe(utf8(`ab\n${piecesText(200)}\n${'é'.repeat(100)}\n${piecesText(2)}\n`));
  });

  it('a text line of multi-byte characters larger than the buffer: room for its UTF-8', async () => {
    const out = new FakeOut();
    const w = writer(out, 16); // a 32-byte buffer
    w.line('é'.repeat(40)); // 80 bytes
    w.line('😀'.repeat(30)); // 120 bytes
    await w.flush(true);
    expect(out.text).toBe(utf8(`${'é'.repeat(40)}\n${'😀'.repeat(30)}\n`));
  });

  it('writes only past the threshold unless forced', async () => {
    const out = new FakeOut();
    const w = writer(out, 100);
    w.lineWith(pieces, 2);
    await w.flush();
    expect(out.chunks).toHaveLength(0);
    w.lineWith(pieces, 5);
    await w.flush();
    expect(out.chunks).toHaveLength(1);
    await w.flush(true);
    expect(out.chunks).toHaveLength(1); // nothing left
    w.line('x');
    await w.flush(true);
    expect(out.text).toBe(utf8(`${piecesText(2)}\n${piecesText(5)}\nx\n`));
  });

  it('reuses its buffer after a write that went through, and takes a new one while the stream holds the last', async () => {
    const out = new FakeOut();
    const w = writer(out, 64);
    w.lineWith(pieces, 8);
    await w.flush(true);
    w.lineWith(pieces, 9);
    await w.flush(true);
    // Written at once (writableLength 0): the same memory again.
    expect(sameMemory(out.chunks[1], out.chunks[0])).toBe(true);

    out.queue = true;
    w.lineWith(pieces, 10);
    await w.flush(true);
    w.lineWith(pieces, 11);
    w.line('tail');
    await w.flush(true);
    // Held by the stream: the next lines went to a new buffer, the held chunk is intact.
    expect(sameMemory(out.chunks[3], out.chunks[2])).toBe(false);
    expect(latin1(out.chunks[2])).toBe(utf8(`${piecesText(10)}\n`));
    expect(out.text).toBe(utf8(`${piecesText(8)}\n${piecesText(9)}\n${piecesText(10)}\n${piecesText(11)}\ntail\n`));
  });

  it("waits for 'drain' when the stream is full", async () => {
    const out = new FakeOut();
    const w = writer(out, 16);
    out.full = true;
    w.lineWith(pieces, 3);
    let done = false;
    const flushed = w.flush().then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    out.emit('drain');
    await flushed;
    expect(done).toBe(true);
  });

  it('a closed pipe (EPIPE) ends the process quietly, and nothing more is written', async () => {
    // process.exit does not return: the mock throws to stop the handler there.
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit');
    });
    try {
      const out = new FakeOut();
      const w = writer(out, 16);
      expect(() => out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toThrow('exit');
      expect(exit).toHaveBeenCalledWith(0);
      let called = false;
      w.lineWith(() => (called = true), 0);
      expect(called).toBe(false);
      w.lineWith(pieces, 3);
      w.line('x');
      await w.flush(true);
      expect(out.chunks).toHaveLength(0);
    } finally {
      exit.mockRestore();
    }
  });

  it('any other write error is one line on stderr and exit 1, emitted or thrown', async () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exit');
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = new FakeOut();
      writer(out, 16);
      expect(() => out.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' }))).toThrow('exit');
      expect(exit).toHaveBeenCalledWith(1);
      expect(err).toHaveBeenCalledWith('shakewatch: cannot write to stdout: write EIO\n');
      const full = new FakeOut();
      full.write = () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      };
      const w = writer(full, 16);
      w.line('x');
      await expect(w.flush(true)).rejects.toThrow('exit');
      expect(err).toHaveBeenLastCalledWith('shakewatch: cannot write to stdout: no space left on device\n');
    } finally {
      exit.mockRestore();
      err.mockRestore();
    }
  });
});
