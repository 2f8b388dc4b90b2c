import type { DecodedPacket } from '../../decoded-packet';
import type { Connection } from '../connection';
import { flag, type CheckSink } from './ladder-check';

/** TCP options: malformed ones are an anomaly (the decoder kept what it could read). */
export function optionsStep(c: Connection, p: DecodedPacket, checks: CheckSink): void {
  if (p.options.malformed) flag(c, checks, 'bad_tcp_options');
}
