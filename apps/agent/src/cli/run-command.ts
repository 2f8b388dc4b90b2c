import { PcapError } from '@shakewatch/pcap';
import pino from 'pino';
import { CliError } from '../cli/cli-error';
import { AgentRuntime } from './agent-runtime';
import { FileSource } from './file-source';
import { DEFAULT_FILTER, LiveSource } from './live-source';
import type { PacketSource } from './packet-source';
import { loadRunConfig, type RunConfig } from './run-config';

function sourceFor(config: RunConfig, log: pino.Logger): PacketSource {
  if (config.read) return new FileSource(config.read, config.replaySpeed);
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
  const runtime = new AgentRuntime(config, source, log, (text) => process.stdout.write(text));
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
