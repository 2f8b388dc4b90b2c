import { JsonByteWriter } from '@shakewatch/decoder';

/** A write error on stdout as one sentence for a person; null for a closed pipe (`| head`), which is a normal end. */
export function describeWriteError(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EPIPE': return null;
    case 'ENOSPC': return 'cannot write to stdout: no space left on device';
    case 'EDQUOT': return 'cannot write to stdout: disk quota exceeded';
    case 'EFBIG': return 'cannot write to stdout: file too large';
    default: return `cannot write to stdout: ${(e as Error)?.message ?? String(e)}`;
  }
}

/** Ends the process on a write error: quietly with 0 for a closed pipe, else one line on stderr and 1 (never a stack). */
export function exitOnWriteError(e: unknown): never {
  const line = describeWriteError(e);
  if (line !== null) process.stderr.write(`shakewatch: ${line}\n`);
  process.exit(line === null ? 0 : 1);
}

/** Spare output buffers kept at most (writes wait for 'drain': one or two are ever queued). */
const MAX_SPARES = 4;

/**
 * Buffered stdout: encodes many small lines into one buffer and writes it in large
 * pieces, waits for 'drain' so memory stays bounded, and treats a closed pipe (`| head`)
 * as a normal end, not a crash; any other write error (a full disk) is one line on stderr
 * and exit 1. Lines are encoded as they come: text lines by Buffer#write
 * (native; joining them first made V8 flatten every line twice), events by the decoder's
 * byte writer, straight into the same buffer (lineWith), with no text in between.
 */
export class StdoutWriter {
  /** The output buffer (a Buffer: `alloc` makes them) and its end. */
  private readonly sink: JsonByteWriter;
  private closed = false;
  /** Buffers a queued write gave back (see flush). */
  private readonly spares: Uint8Array[] = [];

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly flushAt = 64 * 1024) {
    this.sink = new JsonByteWriter(flushAt * 2, (n) => Buffer.allocUnsafe(n));
    out.on('error', (e: NodeJS.ErrnoException) => this.failed(e));
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
    const whole = sink.buf;
    const chunk = whole.subarray(0, sink.pos);
    sink.pos = 0;
    let below: boolean;
    // Set by the write's callback: `done` once the chunk is out, `handedOff` once the
    // buffer was left to the stream (then it comes back as a spare).
    const state = { done: false, handedOff: false };
    try {
      // Files are written synchronously: their errors (ENOSPC) are thrown here, not emitted.
      below = this.out.write(chunk, () => {
        state.done = true;
        if (state.handedOff && this.spares.length < MAX_SPARES) this.spares.push(whole);
      });
    } catch (e) {
      this.failed(e);
    }
    // Files take a write at once: the buffer is free again. A stream that queued it (a
    // pipe: Node writes to one asynchronously; a slow terminal) keeps it until its callback,
    // and the next lines go to a spare that came back that way, or a new one: a buffer
    // allocated per write (11,000 for a 700 MB output) made V8 start a full marking for
    // the external memory again and again.
    if (!state.done && this.out.writableLength > 0) {
      state.handedOff = true;
      const spare = this.spares.pop();
      sink.buf = spare !== undefined && spare.length >= whole.length ? spare : sink.alloc(Math.max(this.flushAt * 2, whole.length));
    }
    if (!below) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  private failed(e: unknown): never {
    this.closed = true;
    return exitOnWriteError(e);
  }
}
