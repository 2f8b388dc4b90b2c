#!/usr/bin/env bash
# Every test the project owns: unit (beside the code), fuzz/property, end-to-end (real
# CLI, real recorded captures, lint rules). Installs what is missing first.
# The public-corpus conformance suite needs the corpus path: npm run test:conformance.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
[ -d node_modules ] || npm install --no-audit --no-fund  # from the lock file; see README on npm ci
npm run build --silent
npx jest --ci --selectProjects unit e2e "$@"
