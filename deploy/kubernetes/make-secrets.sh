#!/bin/sh
# Writes the files kustomization.yaml turns into Secrets: secrets/ beside this script, or DIR.
#   agent.token  a fresh random token (48 hex digits) that every agent of the DaemonSet sends
#   hub-tokens   its SHA-256 (the hub's tokens-file line), bound to every agent id ("*")
# One token serves all nodes (their ids are node names); narrow "*" in hub-tokens to your
# node naming (e.g. "ip-10-*") so a leaked token speaks for fewer ids.
# Never overwrites: to rotate, remove both files, run again, `kubectl apply -k`.
# Usage: deploy/kubernetes/make-secrets.sh [DIR]
set -eu
dir=${1:-$(dirname "$0")/secrets}
umask 077
mkdir -p "$dir"
for f in agent.token hub-tokens; do
  if [ -e "$dir/$f" ]; then echo "make-secrets: $dir/$f exists; remove it to make new tokens" >&2; exit 1; fi
done
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$token" > "$dir/agent.token"
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
printf '# Shakewatch hub tokens: sha256:<hex of the token> <agent-id pattern>[,<pattern>...]\nsha256:%s *\n' "$hash" > "$dir/hub-tokens"
echo "make-secrets: wrote $dir/agent.token and $dir/hub-tokens (mode 0600)"
