#!/usr/bin/env bash
# Install Shakewatch's built apps as systemd services (see deploy/README.md).
#
#   npm install && npm run build          # in a checkout, on this host or one like it
#   sudo deploy/install.sh [--enable-agent] [--enable-hub]
#   sudo deploy/install.sh --uninstall
#
# Lays out:
#   /opt/shakewatch/agent/main.js, /opt/shakewatch/hub/main.js   the bundled apps
#   /opt/shakewatch/node_modules/                                 their production npm dependencies
#   /opt/shakewatch/lib/shakewatch_pcap.node                      the libpcap binding
#   /etc/systemd/system/shakewatch-{agent,hub}.service            the units
#   /etc/shakewatch/{agent,hub}.env                               settings (examples to edit)
#   /etc/shakewatch/agent.token, /etc/shakewatch/hub-tokens       a fresh agent token and its hash (0600)
#   /opt/shakewatch/.install-manifest                             what was written, for --uninstall
# Existing files under /etc/shakewatch are never overwritten. Nothing is enabled or
# started unless --enable-agent / --enable-hub says so.
#
# --uninstall removes exactly what the manifest lists: files (configuration only if it is
# unchanged since the install; edited configuration is kept and named), then the
# directories the install created, if empty. Everything else is left alone.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: install.sh [options]
  --root DIR        install under DIR instead of / (for packaging and tests)
  --prefix PATH     where the apps go (default /opt/shakewatch)
  --from DIR        the built checkout (default: the one this script is in)
  --only agent|hub  install one app (default both)
  --enable-agent    enable (and, with --root /, start) shakewatch-agent.service
  --enable-hub      enable (and, with --root /, start) shakewatch-hub.service
  --uninstall       remove what a previous install wrote (per its manifest)
  -h, --help        this text
EOF
}

die() { echo "install.sh: $*" >&2; exit 2; }

ROOT=/
PREFIX=/opt/shakewatch
FROM="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APPS=(agent hub)
ENABLE=()
UNINSTALL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; ROOT="$2"; shift 2 ;;
    --root=*) ROOT="${1#*=}"; shift ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a path"; PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#*=}"; shift ;;
    --from) [ $# -ge 2 ] || die "--from needs a directory"; FROM="$2"; shift 2 ;;
    --from=*) FROM="${1#*=}"; shift ;;
    --only) [ $# -ge 2 ] || die "--only needs agent or hub"; APPS=("$2"); shift 2 ;;
    --only=*) APPS=("${1#*=}"); shift ;;
    --enable-agent) ENABLE+=(agent); shift ;;
    --enable-hub) ENABLE+=(hub); shift ;;
    --uninstall) UNINSTALL=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
case "$PREFIX" in /*) ;; *) die "--prefix must be absolute: $PREFIX" ;; esac
[ -d "$ROOT" ] || die "--root $ROOT is not a directory"
ROOT="$(cd "$ROOT" && pwd)"
R="${ROOT%/}"                      # prepended to every absolute path we touch
MANIFEST="$PREFIX/.install-manifest"
LIVE=0                             # a real install on a host running systemd
if [ "$ROOT" = / ] && [ -d /run/systemd/system ]; then LIVE=1; fi
systemctl_() { if [ "$ROOT" = / ]; then systemctl "$@"; else systemctl --root="$ROOT" "$@"; fi; }

# ---------------------------------------------------------------- uninstall
if [ "$UNINSTALL" = 1 ]; then
  [ -f "$R$MANIFEST" ] || die "no manifest at $R$MANIFEST: nothing installed there (see --prefix, --root)"
  files=()
  dirs=()
  kept=()
  while IFS= read -r line; do
    kind="${line%% *}"; path="${line#* }"
    case "$kind" in
      e) if [ "$LIVE" = 1 ]; then systemctl disable --now "$path" || true; else systemctl_ disable "$path" >/dev/null 2>&1 || true; fi ;;
      f) files+=("$R$path") ;;
      c) sum="${path%% *}"; path="${path#* }"
         if [ -f "$R$path" ] && [ "$(sha256sum < "$R$path" | cut -d' ' -f1)" != "$sum" ]; then kept+=("$path"); else rm -f "$R$path"; fi ;;
      d) dirs+=("$R$path") ;;
    esac
  done < <(tac "$R$MANIFEST")   # newest first: units are disabled before their files go
  if [ "${#files[@]}" -gt 0 ]; then rm -f -- "${files[@]}"; fi
  rm -f "$R$MANIFEST"
  # Directories were recorded parent first and are read newest first: children go before
  # their parents, and only empty ones go (rmdir keeps anything someone else put there).
  if [ "${#dirs[@]}" -gt 0 ]; then rmdir -- "${dirs[@]}" 2>/dev/null || true; fi
  if [ "$LIVE" = 1 ]; then systemctl daemon-reload; fi
  echo "Shakewatch uninstalled from $ROOT."
  for k in "${kept[@]}"; do echo "  kept $k (edited since the install; remove it yourself if you no longer need it)"; done
  exit 0
fi

# ---------------------------------------------------------------- install
for app in "${APPS[@]}"; do
  case "$app" in agent|hub) ;; *) die "--only takes agent or hub, not $app" ;; esac
  [ -f "$FROM/dist/apps/$app/main.js" ] || die "$FROM/dist/apps/$app/main.js is missing: run npm install && npm run build in $FROM first"
done
for app in "${ENABLE[@]}"; do
  [[ " ${APPS[*]} " == *" $app "* ]] || die "--enable-$app but --only ${APPS[*]}"
done
ADDON="$FROM/libs/pcap/build/Release/shakewatch_pcap.node"
want_agent=0; [[ " ${APPS[*]} " == *" agent "* ]] && want_agent=1
if [ "$want_agent" = 1 ] && [ ! -f "$ADDON" ]; then die "$ADDON is missing: npm install builds it (needs libpcap-dev and a C++ compiler)"; fi
[ -f "$FROM/deploy/systemd/shakewatch-agent.service" ] || die "$FROM does not look like a Shakewatch checkout"
if [ -f "$R$MANIFEST" ]; then die "already installed ($R$MANIFEST exists): run --uninstall first"; fi
NODE="$(command -v node || true)"
[ -n "$NODE" ] || die "node (20 or newer) is not on PATH"
major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "node $("$NODE" --version) is too old: Shakewatch needs 20 or newer"

entries=()                      # manifest lines, in creation order
mkdir_() {                      # mkdir -p, recording each directory it creates
  local d="$1" missing=()
  while [ ! -d "$R$d" ]; do missing=("$d" "${missing[@]}"); d="$(dirname "$d")"; done
  for d in "${missing[@]}"; do mkdir -m 0755 "$R$d"; entries+=("d $d"); done
}
put() {                         # put SRC DEST MODE: a file we own (overwritten, removed on uninstall)
  mkdir_ "$(dirname "$2")"
  install -m "$3" "$1" "$R$2"
  entries+=("f $2")
}
config() {                      # config SRC DEST MODE: written only if absent; removed on uninstall only if unchanged
  mkdir_ "$(dirname "$2")"
  if [ -e "$R$2" ]; then echo "  kept existing $2"; return; fi
  install -m "$3" "$1" "$R$2"
  entries+=("c $(sha256sum < "$R$2" | cut -d' ' -f1) $2")
}
write_manifest() { mkdir_ "$PREFIX"; printf '%s\n' "${entries[@]}" > "$R$MANIFEST"; chmod 0644 "$R$MANIFEST"; }
trap 'write_manifest; echo "install.sh: failed; what was written is in $R$MANIFEST (use --uninstall)" >&2' ERR

echo "Installing Shakewatch (${APPS[*]}) from $FROM into ${ROOT%/}$PREFIX"
mkdir_ "$PREFIX"
for app in "${APPS[@]}"; do
  put "$FROM/dist/apps/$app/main.js" "$PREFIX/$app/main.js" 0755
done
if [ "$want_agent" = 1 ]; then put "$ADDON" "$PREFIX/lib/shakewatch_pcap.node" 0644; fi

# Production npm dependencies (the bundles keep npm packages external): npm's own view of
# the installed tree, without devDependencies; the workspace's libs are inside the bundles.
[ ! -e "$R$PREFIX/node_modules" ] || die "$R$PREFIX/node_modules exists but no manifest does: remove it or choose another --prefix"
mkdir_ "$PREFIX/node_modules"
mapfile -t deps < <(cd "$FROM" && npm ls --omit=dev --all --parseable 2>/dev/null | grep "^$FROM/node_modules/" | sort -u |
  awk 'BEGIN { p = "\001" } index($0, p "/") != 1 { print; p = $0 }')
[ "${#deps[@]}" -gt 0 ] || die "npm ls found no production dependencies in $FROM/node_modules: run npm install there"
for dep in "${deps[@]}"; do
  [ -L "$dep" ] && continue               # workspace links (libs/pcap): bundled already
  rel="${dep#"$FROM/node_modules/"}"
  case "$rel" in */*) mkdir -p "$R$PREFIX/node_modules/${rel%/*}" ;; esac
  cp -a "$dep" "$R$PREFIX/node_modules/$rel"
done
while IFS= read -r -d '' p; do            # record every file and directory copied (the tree is ours: it did not exist)
  if [ -d "$p" ] && [ ! -L "$p" ]; then entries+=("d ${p#"$R"}"); else entries+=("f ${p#"$R"}"); fi
done < <(find "$R$PREFIX/node_modules" -mindepth 1 -print0)

# Units: the prefix and the node binary of this host.
UNITDIR=/etc/systemd/system
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
for app in "${APPS[@]}"; do
  sed -e "s#/opt/shakewatch#$PREFIX#g" -e "s#/usr/bin/node #$NODE #" \
    "$FROM/deploy/systemd/shakewatch-$app.service" > "$tmp/shakewatch-$app.service"
  put "$tmp/shakewatch-$app.service" "$UNITDIR/shakewatch-$app.service" 0644
  config "$FROM/deploy/systemd/$app.env" "/etc/shakewatch/$app.env" 0644
done

# Tokens: one fresh agent token and its hash, so that an agent and a hub on this host
# talk at once. Other hosts get their own (see the README); only hashes go to the hub.
agent_id="$("$NODE" -p 'require("node:os").hostname()')"   # the agent's default id
umask 077
token="$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n' | head -c 40)"
printf '%s\n' "$token" > "$tmp/agent.token"
printf '# sha256:<hex of a token> <agent-id pattern>[,<pattern>...]   (* matches any run of characters)\n%s %s\n' \
  "sha256:$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)" "$agent_id" > "$tmp/hub-tokens"
if [ "$want_agent" = 1 ]; then config "$tmp/agent.token" /etc/shakewatch/agent.token 0600; fi
if [[ " ${APPS[*]} " == *" hub "* ]]; then config "$tmp/hub-tokens" /etc/shakewatch/hub-tokens 0600; fi
umask 022

for app in "${ENABLE[@]}"; do
  mkdir_ "$UNITDIR/multi-user.target.wants"
  if [ "$LIVE" = 1 ]; then systemctl daemon-reload; systemctl enable --now "shakewatch-$app.service"
  else systemctl_ enable "shakewatch-$app.service" >/dev/null 2>&1; fi
  entries+=("e shakewatch-$app.service")
done
if [ "$LIVE" = 1 ] && [ "${#ENABLE[@]}" = 0 ]; then systemctl daemon-reload; fi
trap - ERR
write_manifest

cat <<EOF
Installed. Next steps:
  1. Edit /etc/shakewatch/agent.env (interfaces, hub URLs) and /etc/shakewatch/hub.env.
     The agent token in /etc/shakewatch/agent.token is allowed for agent id "$agent_id"
     by /etc/shakewatch/hub-tokens. For another host: put a new token in its agent.token
     and add "\$(node $PREFIX/hub/main.js hash-token < that-token-file) <its agent id>" here.
  2. systemctl enable --now shakewatch-hub.service shakewatch-agent.service
  3. curl -s http://127.0.0.1:9464/metrics | grep shakewatch_agent_up
  4. Prometheus: deploy/prometheus/prometheus.yml and shakewatch.rules.yml;
     Alertmanager: deploy/alertmanager/alertmanager.yml;
     Grafana: import deploy/grafana/shakewatch.json. See deploy/README.md.
  Remove with: $0 --uninstall$( [ "$ROOT" = / ] || echo " --root $ROOT")$( [ "$PREFIX" = /opt/shakewatch ] || echo " --prefix $PREFIX")
EOF
