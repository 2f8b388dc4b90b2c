import { connectionEvent } from '../event/connection-event';
import { conversation, F, V4, type Segment } from '../testing/packet-builder';
import { trackFrames, type Frame } from '../testing/track-frames';
import { rawFrame } from '../capture/raw-packet';
import { PacketDecoder } from '../packet-decoder';
import { ConnTracker, type ConnTrackerOptions } from './conn-tracker';

// Issue 13: one packet stamped in 2106 in the middle of a capture ended every open
// connection as idle (with a duration of -2.5e18 ns), and their later packets started
// new connections. A jump far ahead is believed only once the next packet confirms it.

/** Each ended connection as "client port ended at frame N (reason, duration ns)". */
const ends = (frames: Frame[], options: ConnTrackerOptions = {}) => trackFrames(frames, (c) => `${c.endReason}, ${connectionEvent(c).event.duration}`, options);

const START = 1_700_000_000;
const on = (clientPort: number, segments: Segment[]): Frame[] => conversation({ ...V4, clientPort }, segments, START);
const syn = (t: number): Segment => ({ from: 'c', flags: F.SYN, seq: 100, t });
const ack = (t: number): Segment => ({ from: 'c', flags: F.ACK, seq: 101, ack: 501, t });
/** A frame stamped at `sec` (absolute), whatever its segment said. */
const at = (f: Frame, sec: number): Frame => ({ ...f, tsSec: sec, tsNsec: 0 });

describe('ConnTracker: a single wild timestamp does not expire the table', () => {
  const YEAR_2106 = 2 ** 32 - 1;

  it('one packet in 2106 between two packets of open connections ends none of them', () => {
    const frames = [...on(41000, [syn(0)]), ...on(42000, [syn(1)]), at(on(45000, [syn(2)])[0], YEAR_2106), ...on(41000, [ack(3)]), ...on(42000, [ack(4)])];
    const { out, tracker } = ends(frames);
    // Before: "41000 at 3 (idle, ...)", "42000 at 3 (idle, ...)" and two new connections.
    expect(out).toEqual(['41000 at Infinity (capture-end, 3000000000)', '42000 at Infinity (capture-end, 3000000000)', '45000 at Infinity (capture-end, 0)']);
    expect(tracker.stats.timeJumpsHeld).toBe(1);
    expect(tracker.stats.idleExpired).toBe(0);
  });

  it('the same wild time on an open connection: its duration ends where its packets do, never negative', () => {
    const frames = [...on(41000, [syn(0)]), at(on(41000, [ack(1)])[0], YEAR_2106), ...on(41000, [ack(2)]), ...on(42000, [syn(3)])];
    const { out } = ends(frames);
    expect(out).toEqual(['41000 at Infinity (capture-end, 2000000000)', '42000 at Infinity (capture-end, 0)']);
  });

  it('a jump confirmed by the next packet is believed: the idle ones end at that second packet', () => {
    const twoDays = 2 * 86_400;
    const frames = [...on(41000, [syn(0)]), ...on(42000, [syn(twoDays)]), ...on(43000, [syn(twoDays + 1)])];
    const { out, tracker } = ends(frames);
    expect(out).toEqual(['41000 at 3 (idle, 0)', '42000 at Infinity (capture-end, 0)', '43000 at Infinity (capture-end, 0)']);
    expect(tracker.stats.timeJumpsHeld).toBe(1);
  });

  it('jumps within a day (or the idle timeout, if longer) are believed at once, as before', () => {
    const frames = [...on(41000, [syn(0)]), ...on(42000, [syn(7200)])];
    expect(ends(frames).out).toEqual(['41000 at 2 (idle, 0)', '42000 at Infinity (capture-end, 0)']);
    expect(ends(frames, { idleTimeoutSeconds: 5 }).out).toEqual(['41000 at 2 (idle, 0)', '42000 at Infinity (capture-end, 0)']);
  });

  it('a packet stamped before its connection\'s first gives a duration of 0, not a negative one', () => {
    const frames = [...on(41000, [syn(10), { from: 's', flags: F.SYN | F.ACK, seq: 500, ack: 101, t: 5 }])];
    expect(ends(frames).out).toEqual(['41000 at Infinity (capture-end, 0)']);
  });

  it('advanceTo (the host\'s clock) is trusted as it is', () => {
    const frames = on(41000, [syn(0)]);
    const out: number[] = [];
    const tracker = new ConnTracker((c) => out.push(c.clientPort));
    const p = new PacketDecoder().decode(rawFrame(frames[0].data, { tsSec: frames[0].tsSec }));
    tracker.packet(p!);
    tracker.advanceTo(START + 10 * 86_400, 0);
    expect(out).toEqual([41000]);
  });
});
