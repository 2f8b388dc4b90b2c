// The command line (DESIGN.md, "Command line"): commander wiring of inspect, run and devices.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { exitCodeOf } from './exit-code';
import { inspectCommand, type InspectFormat } from './inspect-command';
import { parseDecimal } from './setting-values';

const program = new Command();
program
  .name('shakewatch-agent')
  .description('Shakewatch agent: decodes TCP handshakes, teardowns and resets from captures.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('inspect')
  .description('decode a pcap or pcapng file offline and print every TCP connection')
  .argument('<file>', 'capture file (pcap or pcapng)')
  .addOption(new Option('-f, --format <format>', 'text: a ladder per connection; ndjson: one JSON event per connection').choices(['text', 'ndjson']).default('text'))
  .option('--progress', 'always show a progress bar on stderr')
  .option('--no-progress', 'never show a progress bar')
  .option('--max-connections <n>', 'connections tracked at once; the least recently seen are evicted past it (default 1000000)', (v: string) => positiveInteger('--max-connections', v, 1e9))
  .option('--memory-budget-mib <MiB>', 'memory for connection and reassembly state; past it, out-of-order bytes and then the least recently seen connections are let go, counted (default 256)', (v: string) => positiveInteger('--memory-budget-mib', v, 1_048_576))
  .action(async (file: string, opts: { format: InspectFormat; progress?: boolean; maxConnections?: number; memoryBudgetMib?: number }) => {
    await inspectCommand(file, { format: opts.format, progress: opts.progress, maxConnections: opts.maxConnections, memoryBudgetMiB: opts.memoryBudgetMib });
  });

// run's numbers are read with its other settings (run-config.ts), every problem listed at once.
function positiveInteger(name: string, v: string, max: number): number {
  const n = parseDecimal(v) ?? Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
  return n;
}
const collect = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').filter(Boolean)];

program
  .command('run')
  .description('run the agent: capture live (--interface) or replay a file (--read), fold connections into metrics, publish them (--print-metrics, --hub)')
  .option('-i, --interface <name>', 'capture live on this interface (repeatable, or comma-separated)', collect)
  .option('-r, --read <file>', 'replay a pcap or pcapng file instead of capturing live')
  .addOption(new Option('--replay-speed <speed>', 'max: as fast as possible; recorded: at the pace the packets were captured').choices(['max', 'recorded']))
  .option('--filter <bpf>', 'BPF filter for live capture')
  .option('--agent-id <id>', 'the agent label on every series (default: host name)')
  .option('--config <file>', 'YAML file with settings (flags override it, environment SHAKEWATCH_AGENT_* too)')
  .option('--snaplen <bytes>', 'bytes kept per packet (live)')
  .option('--buffer-mib <MiB>', 'kernel capture buffer (live)')
  .option('--promiscuous', 'open interfaces in promiscuous mode (off by default)')
  .option('--no-bypass', 'live: hand every segment to the decoder; by default a connection\'s later segments without SYN, FIN or RST are dropped below JavaScript once the agent learned all it reports of it (see the README for what they no longer show)')
  .option('--max-connections <n>', 'connections tracked at once; the least recently seen are evicted past it')
  .option('--memory-budget-mib <MiB>', 'memory for connection and reassembly state; past it, out-of-order bytes and then the least recently seen connections are let go, counted (default 256)')
  .option('--idle-timeout-seconds <s>', 'end connections idle this long')
  .option('--syn-timeout-seconds <s>', 'end a connection that is only unanswered SYNs this long after the last one (default 130)')
  .option('--print-metrics', 'print metric snapshots to stdout (Prometheus text format)')
  .option('--interval-seconds <s>', 'seconds between snapshots (default 10)')
  .option('--hub <url>', 'publish snapshots to this hub, ws(s)://HOST:PORT/ingest (repeatable: the next one is tried when one fails)', collect)
  .option('--token-file <file>', "file holding this agent's token for the hub (sent as Authorization: Bearer)")
  .option('--hub-ca-file <file>', 'extra CA certificate (PEM) to trust for wss:// hubs')
  .option('--hub-cert-file <file>', 'client certificate (PEM) for wss:// hubs that ask for one')
  .option('--hub-key-file <file>', 'key (PEM) of --hub-cert-file')
  .option('--hub-retry-max-seconds <s>', 'longest wait between attempts to reach a hub (default 30)')
  .option('--local-address <ip>', "this host's address (repeatable): decides direction (inbound/outbound) of replayed files; live capture adds the interfaces' own", collect)
  .option('--ports <list>', 'server ports with their own port label (comma-separated); the rest are "other"', collect)
  .option('--max-ports <n>', 'without --ports: how many server ports get their own label, first come once a handshake to them completed (default 16)')
  .addOption(new Option('--log-level <level>', 'log level (logs go to stderr as JSON)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
  .action(async (opts: Record<string, unknown>, command: Command) => {
    // commander camel-cases --buffer-mib as bufferMib; the setting is bufferMiB (and memoryBudgetMiB).
    const { interface: interfaces, bufferMib, memoryBudgetMib, hub: hubs, localAddress: localAddresses, ...rest } = opts;
    // --no-bypass alone makes commander default `bypass` to true: only the flag itself is a flag (the environment and the file come before a default).
    if (command.getOptionValueSource('bypass') !== 'cli') delete rest.bypass;
    // Loaded on use: pino, ws, zod, yaml and libpcap cost ~70 ms that inspect never needs.
    const { runCommand } = await import('./run-command');
    await runCommand({ ...rest, interfaces, hubs, localAddresses, bufferMiB: bufferMib, memoryBudgetMiB: memoryBudgetMib });
  });

program
  .command('devices')
  .description('list the interfaces live capture can open (name, addresses, state)')
  .option('--json', 'one JSON array instead of a table')
  .action(async (opts: { json?: boolean }) => (await import('./devices-command')).devicesCommand(opts));

export async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed one line
    if (e instanceof InvalidArgumentError) {
      process.stderr.write(`shakewatch: ${e.message}\n`);
      return 2;
    }
    return exitCodeOf(e);
  }
}
