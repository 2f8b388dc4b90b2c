import pino from 'pino';
import { CliError } from '../cli/cli-error';
import { AgentRuntime } from './agent-runtime';
import { FileSource } from './file-source';
import type { PacketSource } from './packet-source';
import { loadRunConfig, type RunConfig } from './run-config';

function sourceFor(config: RunConfig): PacketSource {
  if (config.read) return new FileSource(config.read, config.replaySpeed);
  throw new CliError('live capture needs --interface (live capture arrives with libs/pcap); use --read FILE to replay a capture', 2);
}

/** `run`: the agent process. Logs (pino, JSON) go to stderr; --print-metrics snapshots to stdout. */
export async function runCommand(flags: Record<string, unknown>): Promise<void> {
  const config = loadRunConfig(flags);
  const log = pino({ level: config.logLevel, base: { agent: config.agentId } }, pino.destination(2));
  const source = sourceFor(config);
  const runtime = new AgentRuntime(config, source, log, (text) => process.stdout.write(text));
  const onSignal = (signal: NodeJS.Signals) => runtime.stop(signal);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await runtime.run();
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    log.flush();
  }
}
