#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError } from './cli/cli-error';
import { inspectCommand, type InspectFormat } from './inspect/inspect-command';

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
  .action(async (file: string, opts: { format: InspectFormat; progress?: boolean }) => {
    await inspectCommand(file, { format: opts.format, progress: opts.progress });
  });

export async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander already printed one line
    if (e instanceof CliError) {
      process.stderr.write(`shakewatch: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof InvalidArgumentError) {
      process.stderr.write(`shakewatch: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`shakewatch: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 70;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
