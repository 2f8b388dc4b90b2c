#!/usr/bin/env node
// Builds build/Release/shakewatch_pcap.node with node-gyp. It is this package's npm
// `install` script (so `npm install` at the repository root builds it) and the Nx
// `pcap:build` target (`node tools/build-addon.js build`: incremental when configured).
//
// Node's headers: node-gyp downloads them for the running Node unless told where they are,
// and these machines reach no download site. Distribution packages of Node ship them under
// <prefix>/include/node, so point node-gyp there unless npm already says (npm_config_nodedir).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const pkg = path.join(__dirname, '..');
const incremental = process.argv[2] === 'build' && existsSync(path.join(pkg, 'build', 'Makefile'));
const args = [require.resolve('node-gyp/bin/node-gyp.js'), incremental ? 'build' : 'rebuild'];
if (!process.env.npm_config_nodedir) {
  // /usr/bin/node -> /usr; node_prefix is what Node was configured with (Debian's says /).
  const prefixes = [path.dirname(path.dirname(process.execPath)), process.config.variables.node_prefix];
  const prefix = prefixes.find((p) => p && existsSync(path.join(p, 'include', 'node', 'common.gypi')));
  if (prefix) args.push(`--nodedir=${prefix}`);
}
const run = spawnSync(process.execPath, args, { cwd: pkg, stdio: 'inherit' });
if (run.status !== 0) {
  console.error(
    '@shakewatch/pcap: building the libpcap binding failed. It needs libpcap-dev, g++, make and python3 ' +
      '(bash scripts/install-system-deps.sh) and Node headers (<prefix>/include/node, or --nodedir).',
  );
  process.exit(run.status ?? 1);
}
