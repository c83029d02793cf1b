#!/usr/bin/env bash
# Lists the Go toolchains installed on this machine, one per line:
#   <minor> <version> <path to its go binary>
# sorted by minor, one per minor (the machine's own go wins its minor).
# GOLOAD_GO_VERSIONS="21,26" restricts the list to those minors.
# Only Go 1.21+ is listed (the floor for objects and loading) unless
# GOLOAD_GO_MIN says otherwise: GOLOAD_GO_MIN=15 adds the old releases that
# setup.sh fetches for reading executables (Go 1.2-format pclntab and the
# 1.16-1.20 layouts).
set -euo pipefail
arch=$(uname -m); case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
cands=()
command -v go >/dev/null 2>&1 && cands+=("$(command -v go)")
for d in /usr/lib/go-1.*/bin/go; do [ -x "$d" ] && cands+=("$d"); done
if command -v go >/dev/null 2>&1; then
  mod=$(go env GOMODCACHE)
  while read -r d; do [ -x "$d" ] && cands+=("$d"); done < <(ls -d "$mod"/golang.org/toolchain@v0.0.1-go1.*."linux-$arch"/bin/go 2>/dev/null | sort -rV)
fi
declare -A seen=()
for g in "${cands[@]}"; do
  # `go version` rather than `go env GOVERSION`: Go 1.15 has no GOVERSION.
  v=$(GOENV=off GOFLAGS= GOTOOLCHAIN=local "$g" version 2>/dev/null | awk '{print $3}') || continue
  minor=$(echo "$v" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  [ -n "$minor" ] || continue
  [ "$minor" -ge "${GOLOAD_GO_MIN:-21}" ] || continue
  if [ -n "${GOLOAD_GO_VERSIONS:-}" ] && ! echo ",$GOLOAD_GO_VERSIONS," | grep -q ",$minor,"; then continue; fi
  # Newest patch release of a minor wins (the machine's go is listed first).
  [ -n "${seen[$minor]:-}" ] && continue
  seen[$minor]="$v $g"
done
for m in "${!seen[@]}"; do echo "$m ${seen[$m]}"; done | sort -n
