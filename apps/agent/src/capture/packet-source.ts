import type { RawPacket } from '@shakewatch/decoder';

export interface CaptureCounters {
  received: number;
  kernelDropped: number;
  interfaceDropped: number;
}

/** Where packets come from: a capture file replayed, or live interfaces. */
export interface PacketSource {
  readonly description: string;
  /** Deliver packets until the source ends (file) or stop() is called (live). */
  run(onPacket: (p: RawPacket) => void): Promise<void>;
  stop(): void;
  counters(): CaptureCounters;
}
