#!/usr/bin/env bash
# The real-VS-Code tests: install the tools if missing (outside the clone), compile the suite, run it.
# A failing install stops the run here with the installer's own message.
set -euo pipefail
cd "$(dirname "$0")/../.."
envfile=$(mktemp)
trap 'rm -f "$envfile"' EXIT
bash test/vscode/install-tools.sh "$envfile"
NODE24=$(sed -n 's/^NODE24=//p' "$envfile")
CODE_SERVER_ENTRY=$(sed -n 's/^CODE_SERVER_ENTRY=//p' "$envfile")
export NODE24 CODE_SERVER_ENTRY
npx tsc -p test/vscode/tsconfig.json
node test/vscode/run-in-code-server.mjs
