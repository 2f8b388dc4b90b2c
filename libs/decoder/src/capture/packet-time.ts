/**
 * Which capture times are possible at all. A frame stamped outside them is skipped and
 * counted (`bad_timestamp`), not clamped: its time is no clue to when it was seen, and a
 * made-up time would pass into an event's `@timestamp`, its duration and the idle expiry
 * of every other connection as if it were true. Its bytes are likely as damaged as its
 * header, so the rest of its connection is better judged without it.
 *
 * The range is what classic pcap can hold, from the epoch to 2106-02-07T06:28:15Z
 * (seconds a 32-bit unsigned field): every clock a capture comes from today, and always a
 * four-digit year for ISO 8601. Outside it: pcapng times past it (up to year 584 billion
 * with a 64-bit count, past JavaScript's Date at year 275760), an `if_tsoffset` that
 * carries a time before 1970 or after it, a fraction of a second of a second or more (a
 * pcap microsecond field of 1,000,000 or more, a nanosecond one of 1e9 or more).
 */
export const MAX_CAPTURE_SECONDS = 2 ** 32;

/** `sec` + `nsec` is a time a capture can hold (see above). Also false for NaN. */
export function validCaptureTime(sec: number, nsec: number): boolean {
  return sec >= 0 && sec < MAX_CAPTURE_SECONDS && nsec >= 0 && nsec < 1e9 && Number.isInteger(sec) && Number.isInteger(nsec);
}
