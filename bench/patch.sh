#!/usr/bin/env bash
# Hot-patch figures (issue 14), one run: NewPatch (the first of the
# process, a new target, a target prepared before); Apply+Revert per cycle
# (p50, p99), the stop pause (p50, p99) and the time of 2,000 cycles while
# 8 goroutines call the target and check every result; then the pause per
# patch/revert with 0, 8 and 64 busy goroutines, and the cost of a call
# through the entry jump against a direct call. Runs internal/binding/testdata/patch/host
# built by the machine's Go (or $GO).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# its own host index cache (docs/load.md): the first NewPatch builds the
# index, as a first process of a new executable does; bench/load.sh (f)
# has it with the cache
export GOLOAD_CACHE="$tmp/cache"
# The go command does not see changes to the C sources the cgo wrappers
# #include: a digest of them in CGO_CFLAGS keys the build cache (as treeHash
# in load_test.go).
tree=$(find src include -type f | sort | xargs cat | sha256sum | cut -c1-16)
CGO_CFLAGS="-O2 -g -DGOLOAD_TREE=$tree" "${GO:-go}" build -o "$tmp/host" ./internal/binding/testdata/patch/host
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("${GO:-go}" version | cut -d' ' -f3)"
"$tmp/host" bench
