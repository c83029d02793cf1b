#!/usr/bin/env bash
# Builds tests/patch/fixture with every Go toolchain, lists it with that
# toolchain's `go tool objdump`, and runs test_patch_x86 on each pair.
# GOLOAD_QUICK=1 (the sanitizer pass) uses only the newest toolchain.
set -uo pipefail
prog=$1
src=$(cd "$(dirname "$0")" && pwd)/fixture
tmp=${GOLOAD_TESTTMP:-/tmp}/patch_x86
mkdir -p "$tmp"
tcs=$("$GOLOAD_SRC/scripts/gotoolchains.sh")
[ "${GOLOAD_QUICK:-0}" = 1 ] && tcs=$(echo "$tcs" | tail -1)
fail=0; n=0
while read -r minor ver gobin; do
  d=$tmp/$minor; rm -rf "$d"; mkdir -p "$d"
  cp "$src/main.go" "$d/"
  printf 'module fixture\ngo 1.21\n' > "$d/go.mod"
  if ! (cd "$d" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$gobin" build -o fixture . && GOTOOLCHAIN=local "$gobin" tool objdump fixture > listing.txt); then
    echo "go$ver: cannot build or list the fixture"; fail=$((fail+1)); continue
  fi
  echo "== $ver"
  if "$prog" "$d/fixture" "$d/listing.txt"; then n=$((n+1)); else fail=$((fail+1)); fi
done <<< "$tcs"
echo "patch_x86: $n passed, $fail failed"
[ $fail -eq 0 ] && [ $n -gt 0 ]
