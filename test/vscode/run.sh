#!/usr/bin/env bash
# The real-VS-Code tests: install the tools if missing (outside the clone), compile the suite, run it.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(bash test/vscode/install-tools.sh | grep -E '^(NODE24|CODE_SERVER_ENTRY)=' | sed 's/^/export /')"
npx tsc -p test/vscode/tsconfig.json
node test/vscode/run-in-code-server.mjs
