import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureReader, frameBytes, nsBetween, type RawPacket } from '@shakewatch/decoder';
import { CliError, describeFileError } from '../cli/cli-error';
import { readChunks } from '../io/read-chunks';
import type { CaptureCounters, PacketSource } from './packet-source';

/**
 * Replays a capture file: as fast as possible, or at the recorded pace (sleeping so the
 * gaps between packets match their timestamps).
 */
export class FileSource implements PacketSource {
  readonly description: string;
  private stopped = false;
  private received = 0;

  constructor(private readonly path: string, private readonly speed: 'max' | 'recorded') {
    this.description = `file ${path} (${speed === 'max' ? 'as fast as possible' : 'at recorded speed'})`;
  }

  async run(onPacket: (p: RawPacket) => void): Promise<void> {
    let first: { sec: number; nsec: number; wall: bigint } | null = null;
    const queue: RawPacket[] = [];
    const reader = new CaptureReader((p) => {
      if (this.speed === 'max') {
        this.received++;
        onPacket(p);
      } else {
        queue.push({ ...p, data: frameBytes(p).slice(), offset: 0 });
      }
    });
    try {
      for await (const chunk of readChunks(this.path)) {
        if (this.stopped) return;
        if (!reader.push(chunk)) break;
        for (const p of queue.splice(0)) {
          first ??= { sec: p.tsSec, nsec: p.tsNsec, wall: process.hrtime.bigint() };
          const due = nsBetween(first.sec, first.nsec, p.tsSec, p.tsNsec) - Number(process.hrtime.bigint() - first.wall);
          if (due > 1e6) await sleep(due / 1e6);
          if (this.stopped) return;
          this.received++;
          onPacket(p);
        }
      }
    } catch (e) {
      throw describeFileError(this.path, e);
    }
    const error = reader.end();
    if (error) throw new CliError(`${this.path}: ${error.message} (after ${this.received + queue.length} good packets)`);
  }

  stop(): void {
    this.stopped = true;
  }

  counters(): CaptureCounters {
    return { received: this.received, kernelDropped: 0, interfaceDropped: 0 };
  }
}
