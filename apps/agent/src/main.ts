#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=2
// Run as an executable, the agent gets a 2 MiB young generation (V8's default grows to 16):
// its short-lived objects die young, and on a 200 MB capture this is both faster and
// ~20 MiB smaller at peak (bench/README.md). `node main.js` works too, with V8's default.
//
// The agent is a pipeline, one folder per stage:
//   capture/   packets in: a file replayed, or live interfaces through libs/pcap
//   pipeline/  decode to TCP, track connections, release TLS sessions (inspect and run alike)
//   aggregate/ cumulative totals, as rows of libs/protocol's metric families
//   publish/   snapshots out: stdout (Prometheus text) and the hub (WebSocket)
//   inspect/   inspect's output formats (ladder, ndjson)
//   cli/       the commands, their settings and errors
import { exitCodeOf } from './cli/exit-code';
import { inspectCommand } from './cli/inspect-command';
import { simpleInspectArgs } from './cli/inspect-args';

// `inspect FILE` with at most --format and --progress skips commander (10-20 ms of start-up,
// bench/README.md); every other command line is commander's, loaded on use.
const simple = process.argv[2] === 'inspect' ? simpleInspectArgs(process.argv.slice(3)) : null;
const done: Promise<number> = simple
  ? inspectCommand(simple.file, simple.options).then(() => 0, exitCodeOf)
  : import('./cli/program').then(({ main }) => main(process.argv));
done.then((code) => {
  process.exitCode = code;
});
