#!/usr/bin/env bash
# Hot-patch figures: the stop per patch/revert (p50, p99) with 0, 8 and 64
# busy goroutines, and the cost of a call through the entry jump against a
# direct call. Runs testdata/patch/host built by the machine's Go (or $GO).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# The go command does not see changes to the C sources the cgo wrappers
# #include: a digest of them in CGO_CFLAGS keys the build cache (as treeHash
# in host_test.go).
tree=$(find src include -type f | sort | xargs cat | sha256sum | cut -c1-16)
CGO_CFLAGS="-O2 -g -DGOLOAD_TREE=$tree" "${GO:-go}" build -o "$tmp/host" ./testdata/patch/host
"$tmp/host" bench
