import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureReader, frameBytes, nsBetween, type RawPacket } from '@shakewatch/decoder';
import { describeFileError } from '../cli/cli-error';
import { CaptureDamage, internalFault, type CaptureFailure } from '../pipeline/capture-error';
import type { CaptureCounters, PacketSource } from './packet-source';
import { readChunks } from './read-chunks';

/** The longest single sleep of a recorded-speed replay (a longer gap is slept in pieces). */
const MAX_SLEEP_MS = 3600 * 1000;

export type ReplaySpeed = 'max' | 'recorded';

export interface FileSourceOptions {
  speed?: ReplaySpeed;
  /** Called after each chunk of the file is read and its packets delivered (progress, output flushing). */
  afterChunk?: () => void | Promise<void>;
}

/**
 * Reads a capture file: as fast as possible, or at the recorded pace (sleeping so the
 * gaps between packets match their timestamps). Damage in the file ends the run with a
 * CaptureDamage after every good packet before it was delivered; a file that cannot be
 * read, with describeFileError's sentence.
 */
export class FileSource implements PacketSource {
  readonly description: string;
  readonly live = false;
  private readonly speed: ReplaySpeed;
  private stopped = false;
  /** Ends a wait between packets at once on stop() (a recorded replay may wait minutes). */
  private readonly abort = new AbortController();
  private received = 0;
  private reader: CaptureReader | null = null;

  constructor(private readonly path: string, private readonly options: FileSourceOptions = {}) {
    this.speed = options.speed ?? 'max';
    this.description = `file ${path} (${this.speed === 'max' ? 'as fast as possible' : 'at recorded speed'})`;
  }

  /** Bytes of the file consumed so far. */
  get bytesRead(): number {
    return this.reader?.bytesRead ?? 0;
  }

  /** Packets delivered so far. */
  get packets(): number {
    return this.received;
  }

  async run(onPacket: (p: RawPacket) => void, onOpen?: () => void): Promise<void> {
    let first: { sec: number; nsec: number; wall: bigint } | null = null;
    const queue: RawPacket[] = [];
    const deliver = (p: RawPacket) => {
      this.received++;
      onPacket(p);
    };
    const reader = new CaptureReader(this.speed === 'max' ? deliver : (p) => queue.push({ ...p, data: frameBytes(p).slice(), offset: 0 }));
    this.reader = reader;
    let failure: CaptureFailure | null = null;
    let opened = false;
    try {
      for await (const chunk of readChunks(this.path, this.abort.signal)) {
        if (this.stopped) return;
        let good = true;
        try {
          good = reader.push(chunk);
        } catch (e) {
          failure = internalFault(e, reader.bytesRead);
        }
        // Open once the file reads as a capture: a missing, unreadable or foreign file never started.
        if (!opened && ((good && !failure) || this.received > 0 || queue.length > 0)) {
          opened = true;
          onOpen?.();
        }
        for (const p of queue.splice(0)) {
          first ??= { sec: p.tsSec, nsec: p.tsNsec, wall: process.hrtime.bigint() };
          const due = nsBetween(first.sec, first.nsec, p.tsSec, p.tsNsec) - Number(process.hrtime.bigint() - first.wall);
          if (due > 1e6) await this.wait(due / 1e6);
          if (this.stopped) return;
          try {
            deliver(p);
          } catch (e) {
            failure ??= internalFault(e, reader.bytesRead);
            break;
          }
        }
        if (failure || !good) break;
        await this.options.afterChunk?.();
      }
    } catch (e) {
      if (this.stopped) return; // the read of a FIFO or device was aborted by stop()
      throw describeFileError(this.path, e);
    }
    if (this.stopped) return;
    failure ??= reader.end();
    if (failure) throw new CaptureDamage(this.path, failure, this.received);
  }

  /**
   * Sleep until a packet is due, ended at once by stop(). Timers take at most 2^31-1 ms
   * (~24.8 days; Node turns a longer one into 1 ms with a TimeoutOverflowWarning), so a
   * longer gap is slept in pieces of at most an hour.
   */
  private async wait(ms: number): Promise<void> {
    const until = Date.now() + ms;
    for (let left = ms; left > 0 && !this.stopped; left = until - Date.now()) {
      await sleep(Math.min(left, MAX_SLEEP_MS), undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
  }

  counters(): CaptureCounters {
    return { received: this.received, dropped: 0, interfaceDropped: 0 };
  }
}
