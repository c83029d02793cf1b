#!/usr/bin/env bash
# Load figures, in one run: (a) archive path to a callable function,
# goload against plugin.Open of the same package built with
# -buildmode=plugin: the 1st Open (which builds the host's symbol and type
# index once per process; goload.Check at startup does it instead), then
# the 2nd and 10th (each after a Close of the one before: the same package
# open twice is one copy), each with its per-phase breakdown
# (Module.Timings); (b) ns per call of the loaded function against the
# same function linked into the host; (c) bytes goload maps against the
# plugin's .so; (d) Module.Close, per phase (safety scan: heap dump and its
# scan, unlink, GC, unmap); (e) Open, register and Close before and now
# in one run, alternating cycles (GOLOAD_BENCH_BEFORE=1: the heap dump at
# Close, runtime.typelinksinit at Open); (f) the first Open, Close and
# NewPatch of a process, each in a fresh process, before
# (GOLOAD_BENCH_BEFORE=1: the whole-image copy of a host with relocated
# words, the membarrier registration inside the call) and now, with the
# first Open's ratio to plugin.Open; now both without and with the host
# index cache (docs/load.md), which a first run fills; then, with the
# cache, goload.CheckPatch at startup and the first NewPatch after it.
# Uses $GO or go.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the host index cache of this run's host: (a) builds it, (f) reads it
export GOLOAD_CACHE="$tmp/cache"
GO=${GO:-go}
"$GO" build -o "$tmp/host" ./internal/binding/testdata/benchhost
"$GO" build -buildmode=plugin -o "$tmp/plain.so" ./internal/binding/testdata/pluginplain
archive=$("$GO" list -export -f '{{.Export}}' ./internal/binding/testdata/fix/plain)
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$GO" version | cut -d' ' -f3)"
"$tmp/host" "$archive" "$tmp/plain.so"
