#!/usr/bin/env bash
# Hot-patch figures: the stop per patch/revert (p50, p99) with 0, 8 and 64
# busy goroutines, and the cost of a call through the entry jump against a
# direct call. Runs testdata/patch/host built by the machine's Go (or $GO).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"${GO:-go}" build -o "$tmp/host" ./testdata/patch/host
"$tmp/host" bench
