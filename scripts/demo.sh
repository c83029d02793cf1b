#!/usr/bin/env bash
# The main job, end to end. Installs what it needs, builds goload, builds a
# small Go program and inspects it, then builds a host and a package, loads
# the package into the running host, calls it, and hot-patches a host
# function with the loaded one while a goroutine keeps calling it.
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

echo "== load + patch: build a host and a package, load the package into the running host, call it, hot-patch a host function with it, revert, unload"
load=$work/load; mkdir -p "$load/host" "$load/greet"
cp examples/load/host/*.go "$load/host/"; cp examples/load/greet/*.go "$load/greet/"
cat > "$load/go.mod" <<MOD
module example.com/demo
go 1.21
require github.com/goload/goload v0.0.0
replace github.com/goload/goload => $PWD
MOD
# The go command does not track the C sources internal/binding/libgoload.c includes (its
# digest line is stale until scripts/cgo_sources.sh runs): their digest in
# CGO_CFLAGS keeps a stale build from being reused all the same.
digest=$(find src include -type f | sort | xargs cat | sha256sum | cut -c1-16)
(cd "$load" && echo "go build -o loadhost ./host" && CGO_CFLAGS="-O2 -g -DGOLOAD_TREE=$digest" go build -o loadhost ./host)
archive=$(cd "$load" && go list -export -f '{{.Export}}' ./greet)
echo "go list -export ./greet -> $archive"
(cd "$load" && GOLOAD_DEBUG=1 ./loadhost "$archive" 2>&1 | grep -vE "goload: (resolve|type )")
