import { PcapError } from '@shakewatch/pcap';
import pino from 'pino';
import { Agent } from '../agent';
import { FileSource } from '../capture/file-source';
import { DEFAULT_FILTER, LiveSource } from '../capture/live-source';
import type { PacketSource } from '../capture/packet-source';
import { CliError } from './cli-error';
import { loadRunConfig, type RunConfig } from './run-config';

function sourceFor(config: RunConfig, log: pino.Logger): PacketSource {
  if (config.read) return new FileSource(config.read, { speed: config.replaySpeed });
  if (config.interfaces.length === 0) throw new CliError('nothing to capture: give --interface IF (repeatable; "any" for all) or --read FILE', 2);
  return new LiveSource(
    { interfaces: config.interfaces, filter: config.filter ?? DEFAULT_FILTER, snaplen: config.snaplen, bufferBytes: config.bufferMiB * 1024 * 1024, promiscuous: config.promiscuous },
    log,
  );
}

/** `run`: the agent process. Logs (pino, JSON) go to stderr; --print-metrics snapshots to stdout. */
export async function runCommand(flags: Record<string, unknown>): Promise<void> {
  const config = loadRunConfig(flags);
  const log = pino({ level: config.logLevel, base: { agent: config.agentId } }, pino.destination(2));
  const source = sourceFor(config, log);
  const runtime = new Agent(config, source, log);
  const onSignal = (signal: NodeJS.Signals) => runtime.stop(signal);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await runtime.run();
  } catch (e) {
    if (e instanceof PcapError) throw new CliError(e.message);
    throw e;
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    log.flush();
  }
}
