import type { RawPacket } from '@shakewatch/decoder';
import type { CaptureStats } from '@shakewatch/pcap';
import type { FlowBypass } from './flow-bypass';

/** libpcap's counters, summed over a live source's interfaces; a file has no drops. */
export type CaptureCounters = CaptureStats;

/** Where packets come from: a capture file replayed, or live interfaces. */
export interface PacketSource {
  readonly description: string;
  /** Live capture: packet times are the host's clock now (so idle connections can be ended by the clock). */
  readonly live: boolean;
  /**
   * Deliver packets until the source ends (file) or stop() is called. Rejects with a CliError
   * (e.g. CaptureDamage) after the good packets. onOpen is called once the source is open
   * (interfaces opened, the file's first bytes read): a source that fails before it never
   * started, and the agent publishes nothing for it.
   */
  run(onPacket: (p: RawPacket) => void, onOpen?: () => void): Promise<void>;
  stop(): void;
  counters(): CaptureCounters;
  /** A live capture's flow bypass, when on (--no-bypass turns it off; a file has none). */
  readonly bypass?: FlowBypass | null;
}
