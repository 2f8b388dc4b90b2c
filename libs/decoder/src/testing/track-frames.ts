// Test-only: frames built by packet-builder run through the decoder and a tracker.
import { rawFrame } from '../capture/raw-packet';
import { PacketDecoder } from '../packet-decoder';
import type { Connection } from '../tcp/connection';
import { ConnTracker, type ConnTrackerOptions } from '../tcp/conn-tracker';
import { TlsStreams } from '../tls/tls-streams';

export type Frame = { data: Uint8Array; tsSec: number; tsNsec: number };

/**
 * Each ended connection as "client port ended at frame N (...)": `describe` says what goes
 * in the brackets. Connections still open at the end are flushed "at Infinity".
 */
export function trackFrames(frames: Frame[], describe: (c: Connection) => string, options: ConnTrackerOptions & { tls?: boolean } = {}): { out: string[]; tracker: ConnTracker } {
  const out: string[] = [];
  let frame = 0;
  // TLS analysis as CaptureAnalyzer gives it, unless `tls: false`.
  const streams = options.tls === false ? null : new TlsStreams(options.recordLadder === true);
  const tracker = new ConnTracker((c) => out.push(`${c.clientPort} at ${frame} (${describe(c)})`), { ...options, streams });
  const decoder = new PacketDecoder();
  for (const f of frames) {
    frame++;
    const p = decoder.decode(rawFrame(f.data, { frame, tsSec: f.tsSec, tsNsec: f.tsNsec }));
    if (p) tracker.packet(p);
  }
  frame = Infinity;
  tracker.flush();
  return { out, tracker };
}
