#!/usr/bin/env bash
# Mocking side by side (issue 14): goload.Patch+Revert against mockey and
# gomonkey, the first mock of a process and a new target's, each tool in
# fresh processes (bench/mockpeers: its own module, so that goload's
# go.mod does not require the peers). Fetches the peers through the Go
# module proxy on its first run. Uses $GO or go.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the host index cache of this run's executable: its first process builds it
export GOLOAD_CACHE="$tmp/cache"
# mockey asks for -gcflags=all=-N -l; the targets are //go:noinline
export MOCKEY_CHECK_GCFLAGS=false
# the C sources the cgo wrappers #include key the build cache (bench/patch.sh)
tree=$(find src include -type f | sort | xargs cat | sha256sum | cut -c1-16)
(cd bench/mockpeers && CGO_CFLAGS="-O2 -g -DGOLOAD_TREE=$tree" "${GO:-go}" build -o "$tmp/mock" .)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("${GO:-go}" version | cut -d' ' -f3)"
"$tmp/mock" goload >/dev/null # fills the host index cache
"$tmp/mock"
