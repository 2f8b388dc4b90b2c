import { setTimeout as sleep } from 'node:timers/promises';
import { PcapError } from '@shakewatch/pcap';
import pino from 'pino';
import { Agent } from '../agent';
import { FileSource } from '../capture/file-source';
import { DEFAULT_FILTER, LiveSource } from '../capture/live-source';
import type { PacketSource } from '../capture/packet-source';
import { CliError } from './cli-error';
import { loadRunConfig, type RunConfig } from './run-config';

/** From the first SIGTERM/SIGINT, the longest a stop may take before the agent exits anyway: under deploy/systemd's TimeoutStopSec=30s (systemd's default is 90 s), after which it kills without a word. */
export const STOP_TIMEOUT_MS = 20_000;
/** At the end, the longest wait for stdout to take what is queued (a pipe nobody reads). */
export const STDOUT_DRAIN_MS = 5_000;

function sourceFor(config: RunConfig, log: pino.Logger): PacketSource {
  if (config.read) return new FileSource(config.read, { speed: config.replaySpeed });
  if (config.interfaces.length === 0) throw new CliError('nothing to capture: give --interface IF (repeatable; "any" for all) or --read FILE', 2);
  return new LiveSource(
    {
      interfaces: config.interfaces, filter: config.filter ?? DEFAULT_FILTER, snaplen: config.snaplen, bufferBytes: config.bufferMiB * 1024 * 1024, promiscuous: config.promiscuous,
      bypass: config.bypass ? { idleTimeoutSeconds: config.idleTimeoutSeconds } : null,
    },
    log,
  );
}

/**
 * `run`: the agent process. Logs (pino, JSON) go to stderr; --print-metrics snapshots to stdout.
 *
 * Signals, as a daemon's user expects them: the first SIGTERM or SIGINT stops the source
 * and flushes the final snapshot; a second one while flushing is logged and does not cut
 * the flush short; a third, or STOP_TIMEOUT_MS after the first, exits at once (code 1)
 * and says so. SIGHUP is logged and ignored: settings are read once, at start.
 */
export async function runCommand(flags: Record<string, unknown>): Promise<void> {
  const config = loadRunConfig(flags);
  const log = pino({ level: config.logLevel, base: { agent: config.agentId } }, pino.destination(2));
  const source = sourceFor(config, log);
  const runtime = new Agent(config, source, log);
  const forceExit = (why: string) => {
    log.error(`forced exit: ${why}; the final snapshot may be incomplete`);
    log.flush();
    process.exit(1);
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      runtime.stop(signal);
      setTimeout(() => forceExit(`still stopping ${STOP_TIMEOUT_MS / 1000} s after ${signal}`), STOP_TIMEOUT_MS).unref();
    } else if (signals === 2) {
      log.warn({ signal }, 'already stopping: the final snapshot is being flushed (a third signal exits at once)');
    } else {
      forceExit(`${signal} received a third time`);
    }
  };
  const onHangup = () => log.info({ signal: 'SIGHUP' }, 'SIGHUP ignored: settings are read at start, restart the agent to apply changes');
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHangup);
  try {
    await runtime.run();
    await drainStdout(log);
  } catch (e) {
    const failure = e instanceof PcapError ? new CliError(e.message) : e;
    // Agent.run logged it as an error line: with logging on, that line is the whole report.
    if (failure instanceof CliError && log.isLevelEnabled('error')) throw new CliError(failure.message, failure.exitCode, true);
    throw failure;
  } finally {
    log.flush();
    // What may still hold the event loop (a FIFO's open that no writer ever answered, a
    // write to a pipe nobody reads) must not keep a stopped agent alive.
    setTimeout(() => process.exit(), 100).unref();
  }
}

/** Wait for stdout to take the last snapshot, at most STDOUT_DRAIN_MS; past that, say so and go. */
async function drainStdout(log: pino.Logger): Promise<void> {
  // Polled: 'drain' comes only after a write that went over the high-water mark.
  const until = Date.now() + STDOUT_DRAIN_MS;
  while (process.stdout.writableLength > 0 && Date.now() < until) await sleep(20);
  if (process.stdout.writableLength > 0) {
    log.warn({ queuedBytes: process.stdout.writableLength, seconds: STDOUT_DRAIN_MS / 1000 }, 'stdout did not take the final snapshot (nobody reading?): exiting without it');
  }
}
