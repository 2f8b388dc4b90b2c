#!/usr/bin/env node
import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { hashTokenCommand } from './cli/hash-token';
import { describeHubEnv, loadHubConfig } from './config/hub-config';
import { HubConfigError } from './config/hub-config-error';

const program = new Command();
program
  .name('shakewatch-hub')
  .description('Shakewatch hub: agents push metric snapshots over WebSocket (/ingest); Prometheus scrapes /metrics.')
  .addHelpText('after', `\nSettings (environment variables):\n${describeHubEnv()}\n`)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  // NestJS loads only once the settings are good: hash-token, --help and a bad config answer quickly.
  .action(async () => {
    const config = loadHubConfig(process.env);
    await (await import('./hub')).runHub(config);
  });

program
  .command('hash-token')
  .description('read a token on stdin and print the sha256:<hex> line part for the tokens file')
  .action(() => hashTokenCommand());

function fail(message: string, code: number): never {
  process.stderr.write(`shakewatch-hub: ${message}\n`);
  process.exit(code);
}

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof HubConfigError) fail(e.message, e.exitCode);
  fail(e instanceof Error ? e.message : String(e), 1);
});
