#!/usr/bin/env bash
# The Go toolchains' own binaries (go, gofmt, everything in GOTOOLDIR)
# inspect without error: every subcommand, text and --json.
# GOLOAD_QUICK=1 checks the newest toolchain only. With GOLOAD_GO_MIN=15
# GOLOAD_GO_VERSIONS=15 (inspect_toolchains_old) the Go 1.2-format go1.15
# tools; exit 77 (skipped) when setup could not fetch that release.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}"
mapfile -t tcs < <("$GOLOAD_SRC/scripts/gotoolchains.sh")
if [ ${#tcs[@]} -eq 0 ]; then
  echo "SKIPPED: no Go toolchain for ${GOLOAD_GO_VERSIONS:-any version}"; echo "0 passed, 0 failed, 1 skipped"; exit 77
fi
[ "${GOLOAD_QUICK:-0}" = 1 ] && tcs=("${tcs[-1]}")
passed=0; failed=0
for tc in "${tcs[@]}"; do
  read -r minor version gobin <<<"$tc"
  # GOENV=off: old releases reject the machine's GOFLAGS=-buildvcs=false.
  root=$(GOENV=off GOFLAGS= GOTOOLCHAIN=local "$gobin" env GOROOT)
  tooldir=$(GOENV=off GOFLAGS= GOTOOLCHAIN=local "$gobin" env GOTOOLDIR)
  n=0
  for b in "$root/bin/go" "$root/bin/gofmt" "$tooldir"/*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    n=$((n + 1))
    for sub in info funcs types itabs symbols; do
      for j in "" --json; do
        if "$GOLOAD_BIN" inspect $sub $j "$b" >/dev/null 2>/tmp/goload-tc-err.$$; then
          passed=$((passed + 1))
        else
          failed=$((failed + 1)); echo "FAILED: $version: inspect $sub $j $b"; head -3 /tmp/goload-tc-err.$$
        fi
      done
    done
    # The reported Go version is the toolchain's own.
    if "$GOLOAD_BIN" inspect info "$b" | grep -q "^go version: *$version\$"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); echo "FAILED: $version: $b does not report $version"
    fi
  done
  echo "$version: $n binaries"
  # Since 1.25 most tools are built on demand: go, gofmt and a few remain.
  [ $n -ge 5 ] || { failed=$((failed + 1)); echo "FAILED: $version: only $n binaries found"; }
done
rm -f /tmp/goload-tc-err.$$
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
