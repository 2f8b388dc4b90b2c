import type { RawPacket } from '@shakewatch/decoder';

export interface CaptureCounters {
  received: number;
  kernelDropped: number;
  interfaceDropped: number;
}

/** Where packets come from: a capture file replayed, or live interfaces. */
export interface PacketSource {
  readonly description: string;
  /** Live capture: packet times are the host's clock now (so idle connections can be ended by the clock). */
  readonly live: boolean;
  /** Deliver packets until the source ends (file) or stop() is called. Rejects with a CliError (e.g. CaptureDamage) after the good packets. */
  run(onPacket: (p: RawPacket) => void): Promise<void>;
  stop(): void;
  counters(): CaptureCounters;
}
