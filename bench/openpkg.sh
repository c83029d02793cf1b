#!/usr/bin/env bash
# OpenPackage figures: the webfix fixture (encoding/json, net/http, regexp,
# compress/gzip, crypto/sha256, text/template) into a host that imports
# only fmt, (a) with its archives in the build cache (build excluded: the
# go list run only checks the cache) and (b) with a fresh GOCACHE (every
# package the pattern needs is compiled), next to (c) goload.Open of a
# prebuilt archive (testdata/fix/plain, the loader-core figure) and (d)
# the go list run alone. Each load runs in a fresh process. Uses $GO or go.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
GO=${GO:-go}
pkg=github.com/goload/goload/testdata/openpkg/webfix
# The go command does not track the C files the cgo wrappers include: an
# overlay file holding their digest rebuilds package goload when they change.
echo "package goload // C sources: $(cat $(find src include -type f | sort) | sha256sum | cut -c1-16)" > "$tmp/zz_tree.go"
echo "{\"Replace\":{\"$PWD/zz_tree.go\":\"$tmp/zz_tree.go\"}}" > "$tmp/overlay.json"
"$GO" build -overlay="$tmp/overlay.json" -o "$tmp/host" ./testdata/openpkg/benchhost
"$GO" list -export -deps -tags netgo,osusergo "$pkg" >/dev/null # warm the cache
t0=$(date +%s%N)
"$GO" list -export -deps -tags netgo,osusergo -json=ImportPath,Export "$pkg" >/dev/null
t1=$(date +%s%N)
echo "(d) go list -export -deps, cached:   $(( (t1 - t0) / 1000000 )) ms"
echo "(c) Open(prebuilt plain archive):    $("$tmp/host" open "$("$GO" list -export -f '{{.Export}}' ./testdata/fix/plain)")"
echo "(a) OpenPackage(webfix), cached:     $("$tmp/host" openpkg "$pkg")"
echo "(b) OpenPackage(webfix), cold cache: $(GOCACHE="$tmp/cache" "$tmp/host" openpkg "$pkg")"
