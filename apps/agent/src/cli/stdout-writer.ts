/**
 * Buffered stdout: joins many small lines into large writes, waits for 'drain' so memory
 * stays bounded, and treats a closed pipe (`| head`) as a normal end, not a crash.
 */
export class StdoutWriter {
  private parts: string[] = [];
  private size = 0;
  private closed = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout, private readonly flushAt = 64 * 1024) {
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
    this.parts.push(s, '\n');
    this.size += s.length + 1;
  }

  /** Write what is buffered when over the threshold (or always with force). */
  async flush(force = false): Promise<void> {
    if (this.closed || this.size === 0 || (!force && this.size < this.flushAt)) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}
