#!/usr/bin/env bash
# Runs every goload test: installs what is missing, builds release (gcc) and
# clang with -Werror, runs the ctest suite, runs it again under ASan+UBSan,
# runs every libFuzzer harness for a bounded time, and runs the Go binding's
# tests. Ends with one line "tests: N passed, M failed".
#
#   GOLOAD_FUZZ_SECONDS  seconds per fuzz harness (default 20)
#   GOLOAD_GO_VERSIONS   restrict Go toolchains, e.g. "23,26"
#   GOLOAD_SKIP_ASAN=1   skip the sanitizer pass (local iteration only)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/setup.sh || { echo "tests: 0 passed, 1 failed (setup)"; exit 1; }

passed=0; failed=0; failures=()
step() { # step NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then passed=$((passed+1)); echo "=== $name: ok ($((SECONDS-t0))s)"
  else failed=$((failed+1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS-t0))s)"; fi
}
build() { cmake --preset "$1" >/dev/null && cmake --build --preset "$1"; }
ctest_run() { ctest --preset "$1" -j2 --timeout 1500; }

step "build release (gcc -Wall -Wextra -Werror)" build release
step "build clang (-Wall -Wextra -Werror)" build clang
step "ctest release" ctest_run release
if [ "${GOLOAD_SKIP_ASAN:-0}" != 1 ]; then
  step "build asan+ubsan" build asan
  step "ctest asan+ubsan" env GOLOAD_QUICK=1 bash -c 'ctest --preset asan -j2 --timeout 1500'
fi
fuzz_all() {
  build fuzz || return 1
  local secs=${GOLOAD_FUZZ_SECONDS:-20} rc=0
  for h in build/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    local name; name=$(basename "$h")
    local corpus="$ROOT/build/fuzz-corpus/$name"; mkdir -p "$corpus"
    local seeds="$ROOT/fuzz/seeds/${name#fuzz_}"
    [ -d "$seeds" ] || seeds=""
    echo "--- $name for ${secs}s"
    if ! "$h" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 "$corpus" $seeds > "build/fuzz/$name.log" 2>&1; then
      tail -40 "build/fuzz/$name.log"; rc=1
    else
      grep -E "stat::number_of_executed_units|Done" "build/fuzz/$name.log" | tail -2
    fi
  done
  return $rc
}
step "fuzz (libFuzzer, ${GOLOAD_FUZZ_SECONDS:-20}s per harness)" fuzz_all
if [ -f go.mod ]; then
  step "go test (binding)" go test -count=1 ./...
fi

echo
if [ $failed -ne 0 ]; then printf 'failed steps:\n'; printf '  %s\n' "${failures[@]}"; fi
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
