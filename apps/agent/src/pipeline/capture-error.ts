import type { CaptureError } from '@shakewatch/decoder';
import { CliError } from '../cli/cli-error';

/** What went wrong in a capture file: the reader's error, or a fault of ours while analysing it. */
export interface CaptureFailure {
  code: CaptureError['code'] | 'internal';
  offset: number;
  message: string;
}

/**
 * A damaged capture file, as one line for a person: what is wrong and, past the header,
 * how many good packets came before (every one of them was analysed). `inspect` and
 * `run --read` say it the same way.
 */
export class CaptureDamage extends CliError {
  constructor(path: string, error: CaptureFailure, goodPackets: number) {
    const where = error.code === 'capture.unknown_format' || error.offset === 0 ? '' : ` (after ${goodPackets} good packets)`;
    super(`${path}: ${error.message}${where}`);
  }
}

/** A fault of our own while analysing a packet (a bug): reported like damage, with its offset. */
export function internalFault(e: unknown, offset: number): CaptureFailure {
  return { code: 'internal', offset, message: `internal decoder fault: ${e instanceof Error ? e.message : String(e)}` };
}
