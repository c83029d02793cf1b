#!/usr/bin/env bash
# The main job, end to end. Installs what it needs, builds goload, builds a
# small Go program and inspects it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
GOLOAD=$PWD/build/release/goload
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp examples/hello/*.go "$work/"
(cd "$work" && cat > go.mod <<MOD
module example.com/hello
go 1.21
MOD
go build -o hello . )
echo "== goload inspect info"; "$GOLOAD" inspect info "$work/hello"
echo "== goload inspect funcs --filter '^main\\.'"; "$GOLOAD" inspect funcs --filter '^main\.' "$work/hello"
