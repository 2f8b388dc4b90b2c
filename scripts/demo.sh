#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build, and decode a capture
# the project recorded itself (real curl/node traffic between two network namespaces:
# a normal close, a refused port, a server abort, a client abort, and loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm install --no-audit --no-fund  # from the lock file; see README on npm ci
npm run build --silent
capture=${1:-test/fixtures/captures/tcp-mixed.pcapng}
echo "== dist/apps/agent/main.js inspect $capture" >&2
dist/apps/agent/main.js inspect "$capture"
echo "== the same as one JSON event per connection (--format ndjson)" >&2
dist/apps/agent/main.js inspect "$capture" --format ndjson
