#!/usr/bin/env bash
# Load figures: (a) archive path to a callable function, goload against
# plugin.Open of the same package built with -buildmode=plugin; (b) ns per
# call of the loaded function against the same function linked into the
# host; (c) bytes goload maps against the plugin's .so; (d) ms per
# Module.Close (heap dump, scan, unlink, GC). Uses $GO or go.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
GO=${GO:-go}
"$GO" build -o "$tmp/host" ./testdata/benchhost
"$GO" build -buildmode=plugin -o "$tmp/plain.so" ./testdata/pluginplain
archive=$("$GO" list -export -f '{{.Export}}' ./testdata/fix/plain)
"$tmp/host" "$archive" "$tmp/plain.so"
