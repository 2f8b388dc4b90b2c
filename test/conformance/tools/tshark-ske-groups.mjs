#!/usr/bin/env node
// Supplement to the corpus' tshark reference: the named group of every TLS <= 1.2
// ServerKeyExchange (tls.handshake.server_curve_type / server_named_curve), which the
// corpus' `*.tshark.tsv` does not carry. Same tshark (4.0.17) and the same options as the
// corpus' tools/tshark_tsv.py, plus each capture's "extra tshark args" from MANIFEST.md.
//
//   node test/conformance/tools/tshark-ske-groups.mjs /work/shared/captures/public \
//     > test/conformance/reference/tshark-ske-groups.tsv
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: tshark-ske-groups.mjs CORPUS_ROOT > tshark-ske-groups.tsv\n');
  process.exit(2);
}
const OPTS = [
  '-o', 'tcp.relative_sequence_numbers:TRUE', '-o', 'tcp.desegment_tcp_streams:TRUE',
  '-o', 'tls.desegment_ssl_records:TRUE', '-o', 'tls.desegment_ssl_application_data:TRUE',
  '-o', 'tcp.analyze_sequence_numbers:TRUE', '-o', 'tcp.reassemble_out_of_order:TRUE',
];

// "| `zeek/https-to-http.pcap` | ... *extra tshark args* `-d tcp.port==80,tls` ..."
const extra = new Map();
for (const line of readFileSync(join(root, 'MANIFEST.md'), 'utf8').split('\n')) {
  const m = /^\| `([^`]+)` .*\*extra tshark args\* `([^`]+)`/.exec(line);
  if (m) extra.set(m[1], m[2].split(/\s+/));
}

const captures = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.tshark.tsv') && !name.endsWith('.streams.tsv')) captures.push(relative(root, full.slice(0, -'.tshark.tsv'.length)));
  }
};
walk(root);

const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const out = [`# ${version}; tools/tshark-ske-groups.mjs`, ['capture', 'tcp.stream', 'frame', 'curve_type', 'named_curve'].join('\t')];
for (const capture of captures) {
  const tsv = readFileSync(join(root, `${capture}.tshark.tsv`), 'utf8');
  // Only captures whose reference shows a ServerKeyExchange over TCP.
  if (!tsv.split('\n').some((l) => { const c = l.split('\t'); return c[0] === 'hs' && c[5] === 'tcp' && c[14] === '12'; })) continue;
  const args = ['-n', '-r', join(root, capture), ...OPTS, ...(extra.get(capture) ?? []), '-Y', 'tls.handshake.type == 12 && tcp',
    '-T', 'fields', '-E', 'occurrence=f', '-e', 'tcp.stream', '-e', 'frame.number', '-e', 'tls.handshake.server_curve_type', '-e', 'tls.handshake.server_named_curve'];
  const text = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  for (const line of text.split('\n')) if (line !== '') out.push(`${capture}\t${line}`);
}
process.stdout.write(out.join('\n') + '\n');
