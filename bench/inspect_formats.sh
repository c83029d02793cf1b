#!/usr/bin/env bash
# The inspect benchmark on all three formats: the `go` command itself, as
# installed (ELF) and cross-built for windows/amd64 (PE) and darwin/arm64
# (Mach-O), each against `go tool nm -size` on the same file.
#
#   bench/inspect_formats.sh [RUNS]     (after cmake --build --preset release)
# The cross builds are cached in build/bench-cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=$root/build/bench-cache; mkdir -p "$cache"
gobin=$(realpath "$(command -v go)")
v=$(go env GOVERSION)
for t in windows/amd64 darwin/arm64; do
  out=$cache/go-$v-${t/\//-}
  [ -s "$out" ] || (cd "$(go env GOROOT)/src/cmd/go" && CGO_ENABLED=0 GOOS=${t%/*} GOARCH=${t#*/} GOFLAGS=-buildvcs=false go build -o "$out" .)
done
exec "$root/build/release/bench_inspect_go" "$gobin" "$cache/go-$v-windows-amd64" "$cache/go-$v-darwin-arm64" "${1:-5}"
