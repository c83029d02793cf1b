#!/usr/bin/env bash
# OpenPackage figures. (e) a small package (internal/binding/testdata/fix/plain: strings
# only) and (a) the webfix fixture (encoding/json, net/http, regexp,
# compress/gzip, crypto/sha256, text/template), into a host that imports
# only fmt, with their archives in the build cache (build excluded: the go
# list run only checks the cache), each with the time beyond the go list
# run it makes and the per-phase breakdown (Module.Timings); (b) webfix
# with a fresh GOCACHE (every package the pattern needs is compiled); (c)
# goload.Open of a prebuilt archive (the loader-core figure); (d) the go
# list runs alone. Each load runs in a fresh process whose host index is
# built before the timing (goload.Check). Uses $GO or go. OPENPKG_COLD=0
# skips (b), which compiles everything again (tens of seconds). The load
# average is printed first: the figures follow the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
GO=${GO:-go}
pkg=github.com/goload/goload/internal/binding/testdata/openpkg/webfix
small=github.com/goload/goload/internal/binding/testdata/fix/plain
# The go command does not track the C files the cgo wrappers include: an
# overlay file holding their digest rebuilds package goload when they change.
echo "package goload // C sources: $(cat $(find src include -type f | sort) | sha256sum | cut -c1-16)" > "$tmp/zz_tree.go"
echo "{\"Replace\":{\"$PWD/zz_tree.go\":\"$tmp/zz_tree.go\"}}" > "$tmp/overlay.json"
"$GO" build -overlay="$tmp/overlay.json" -o "$tmp/host" ./internal/binding/testdata/openpkg/benchhost
"$GO" list -export -deps -tags netgo,osusergo "$pkg" "$small" runtime >/dev/null # warm the cache
golist() { # ms of one go list run like OpenPackage's
	local t0 t1
	t0=$(date +%s%N)
	"$GO" list -e -export -deps -tags netgo,osusergo -json=ImportPath,Export,Standard,DepOnly,Module,CgoFiles,Deps,Error "$1" runtime >/dev/null
	t1=$(date +%s%N)
	echo "$(( (t1 - t0) / 1000000 )) ms"
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(d) go list -export -deps, cached: small $(golist "$small"), webfix $(golist "$pkg")"
echo "(c) Open(prebuilt plain archive):    $("$tmp/host" open "$("$GO" list -export -f '{{.Export}}' ./internal/binding/testdata/fix/plain)")"
echo "(e) OpenPackage(small), cached:      $("$tmp/host" openpkg "$small")"
echo "(a) OpenPackage(webfix), cached:     $("$tmp/host" openpkg "$pkg")"
if [ "${OPENPKG_COLD:-1}" != 0 ]; then
	echo "(b) OpenPackage(webfix), cold cache: $(GOCACHE="$tmp/cache" "$tmp/host" openpkg "$pkg")"
fi
