import { JsonByteWriter } from '@shakewatch/decoder';

/**
 * Buffered stdout: encodes many small lines into one buffer and writes it in large
 * pieces, waits for 'drain' so memory stays bounded, and treats a closed pipe (`| head`)
 * as a normal end, not a crash. Lines are encoded as they come: text lines by Buffer#write
 * (native; joining them first made V8 flatten every line twice), events by the decoder's
 * byte writer, straight into the same buffer (lineWith), with no text in between.
 */
export class StdoutWriter {
  /** The output buffer (a Buffer: `alloc` makes them) and its end. */
  private readonly sink: JsonByteWriter;
  private closed = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly flushAt = 64 * 1024) {
    this.sink = new JsonByteWriter(flushAt * 2, (n) => Buffer.allocUnsafe(n));
    out.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') {
        this.closed = true;
        process.exit(0);
      }
      throw e;
    });
  }

  line(s: string): void {
    if (this.closed) return;
    const sink = this.sink;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a line that may not fit goes to a larger buffer.
    sink.reserve(s.length * 3 + 1);
    sink.pos += (sink.buf as Buffer).write(s, sink.pos);
    sink.buf[sink.pos++] = 0x0a;
  }

  /** A line written by `write(sink, arg)` (no closure per line), then its newline. */
  lineWith<T>(write: (sink: JsonByteWriter, arg: T) => void, arg: T): void {
    if (this.closed) return;
    write(this.sink, arg);
    this.sink.byte(0x0a);
  }

  /** Write what is buffered when over the threshold (or always with force). */
  async flush(force = false): Promise<void> {
    const sink = this.sink;
    if (this.closed || sink.pos === 0 || (!force && sink.pos < this.flushAt)) return;
    const chunk = sink.buf.subarray(0, sink.pos);
    sink.pos = 0;
    const below = this.out.write(chunk);
    // Files and pipes take a write at once on Linux: the buffer is free again. A stream
    // that queued it (a slow terminal, another OS) keeps it: the next lines get a new one.
    if (this.out.writableLength > 0) sink.buf = sink.alloc(Math.max(this.flushAt * 2, sink.buf.length));
    if (!below) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}
