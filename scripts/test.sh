#!/usr/bin/env bash
# Runs every goload test: installs what is missing, builds release (gcc) and
# clang with -Werror, runs the ctest suite, runs it again under ASan+UBSan,
# runs every libFuzzer harness for a bounded time, runs the Go binding's
# tests and the peer suite (tests/peers/run.sh). Ends with one line
# "tests: N passed, M failed".
#
#   GOLOAD_FUZZ_SECONDS  seconds per fuzz harness (default 20)
#   GOLOAD_GO_VERSIONS   restrict Go toolchains, e.g. "23,26"
#   GOLOAD_PEERS_GO_VERSIONS  toolchains of the peer suite (default 21,26,27)
#   GOLOAD_SKIP_ASAN=1   skip the sanitizer pass (local iteration only)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
bash scripts/setup.sh || { echo "tests: 0 passed, 1 failed (setup)"; exit 1; }

passed=0; failed=0; failures=()
tpass=0; tfail=0   # individual tests (ctest cases, go test functions, fuzz harnesses)
LOGDIR=$ROOT/build/test-logs; mkdir -p "$LOGDIR"; rm -f "$LOGDIR/go-failures.log"
step() { # step NAME COMMAND...
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then passed=$((passed+1)); echo "=== $name: ok ($((SECONDS-t0))s)"
  else failed=$((failed+1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS-t0))s)"; fi
}
build() { cmake --preset "$1" >/dev/null && cmake --build --preset "$1"; }
# count_ctest LOG: adds ctest's "N tests failed out of M" to the totals.
count_ctest() {
  local line; line=$(grep -E 'tests? failed out of [0-9]+' "$1" | tail -1)
  [ -n "$line" ] || return 0
  local total bad
  total=$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')
  bad=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
  tpass=$((tpass + total - bad)); tfail=$((tfail + bad))
}
ctest_run() { # ctest_run PRESET [env...]
  local preset=$1; shift
  env "$@" ctest --preset "$preset" -j2 --timeout 1500 2>&1 | tee "$LOGDIR/ctest-$preset.log"
  local rc=${PIPESTATUS[0]}
  count_ctest "$LOGDIR/ctest-$preset.log"
  return "$rc"
}

step "build release (gcc -Wall -Wextra -Werror)" build release
step "build clang (-Wall -Wextra -Werror)" build clang
step "ctest release" ctest_run release
if [ "${GOLOAD_SKIP_ASAN:-0}" != 1 ]; then
  step "build asan+ubsan" build asan
  step "ctest asan+ubsan" ctest_run asan GOLOAD_QUICK=1
fi
fuzz_all() {
  build fuzz || return 1
  local secs=${GOLOAD_FUZZ_SECONDS:-20} rc=0
  for h in build/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    local name; name=$(basename "$h")
    local corpus="$ROOT/build/fuzz-corpus/$name"; mkdir -p "$corpus"
    local seeds="$ROOT/tests/fuzz/seeds/${name#fuzz_}"
    [ -d "$seeds" ] || seeds=""
    echo "--- $name for ${secs}s"
    if "$h" -max_total_time="$secs" -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 "$corpus" $seeds > "build/fuzz/$name.log" 2>&1; then
      grep -E "stat::number_of_executed_units|Done" "build/fuzz/$name.log" | tail -2
      tpass=$((tpass+1))
    else
      tail -40 "build/fuzz/$name.log"; rc=1; tfail=$((tfail+1))
    fi
  done
  return $rc
}
step "fuzz (libFuzzer, ${GOLOAD_FUZZ_SECONDS:-20}s per harness)" fuzz_all
# go_failures LOG: the output of each failed top-level test, from its
# "=== RUN" to its "--- FAIL" and its subtests' results (the first and last
# 60 lines of a longer one), or the log's tail when the package failed with
# no failed test (a build error, a crash).
go_failures() {
  local names; names=$(sed -nE 's/^--- FAIL: ([^ ]+) .*/\1/p' "$1")
  if [ -z "$names" ]; then tail -60 "$1"; return; fi
  local n
  for n in $names; do
    echo "----- output of $n"
    awk -v n="$n" '
      done && !/^[ \t]/ { exit }
      $0 == "=== RUN   " n { on = 1 }
      on { print }
      on && index($0, "--- FAIL: " n " ") == 1 { done = 1 }' "$1" > "$LOGDIR/go-failed-test.log"
    if [ "$(wc -l < "$LOGDIR/go-failed-test.log")" -le 120 ]; then cat "$LOGDIR/go-failed-test.log"
    else head -60 "$LOGDIR/go-failed-test.log"; echo "[...]"; tail -60 "$LOGDIR/go-failed-test.log"; fi
  done
}
go_tests() {
  # Hosts are rebuilt per Go version on a cold build cache: allow more than
  # go test's default 10 minutes.
  go test -count=1 -timeout 40m -v ./... > "$LOGDIR/go-test.log" 2>&1
  local rc=$?
  grep -E '^(--- FAIL|FAIL|ok|panic:)' "$LOGDIR/go-test.log"
  [ $rc -eq 0 ] || go_failures "$LOGDIR/go-test.log" > "$LOGDIR/go-failures.log"
  tpass=$((tpass + $(grep -c '^--- PASS' "$LOGDIR/go-test.log")))
  tfail=$((tfail + $(grep -c '^--- FAIL' "$LOGDIR/go-test.log")))
  return $rc
}
if [ -f go.mod ]; then
  step "go test (binding)" go_tests
fi
# peer_tests: the peers' test programs and the real-world loads
# (tests/peers/run.sh), each case compared with its native twin; every
# case on every toolchain counts as one test ("peers: N passed, M failed
# of K" per toolchain). CI runs the oldest and newest supported toolchains
# plus 1.26 unless GOLOAD_PEERS_GO_VERSIONS or GOLOAD_GO_VERSIONS says otherwise.
peer_tests() {
  local vers=${GOLOAD_PEERS_GO_VERSIONS:-${GOLOAD_GO_VERSIONS:-21,26,27}}
  GOLOAD_GO_VERSIONS=$vers bash tests/peers/run.sh > "$LOGDIR/peers.log" 2>&1
  local rc=$?
  grep -E '^peers(: |\|)' "$LOGDIR/peers.log"
  local counts
  counts=$(awk '/^peers: [0-9]+ passed, [0-9]+ failed of / { p += $2; f += $4 } END { print p+0, f+0 }' "$LOGDIR/peers.log")
  tpass=$((tpass + ${counts% *})); tfail=$((tfail + ${counts#* }))
  # The failed cases' logs go with the failed Go tests' output at the end.
  [ $rc -eq 0 ] || sed -n '/^run.sh: /,$p' "$LOGDIR/peers.log" | tail -300 >> "$LOGDIR/go-failures.log"
  return $rc
}
# arm64_tests: linux/arm64 load and patch, test hosts cross-built for arm64
# and run under qemu-user (TestLoadArm64Qemu, TestPatchArm64Qemu, TestDemoArm64Qemu,
# GOLOAD_ARM64=1), on Go 1.21 and the newest toolchain; its budget is 15
# minutes (the qemu runs take about 1; the rest is cross-building, about
# 10 minutes with a cold build cache on a loaded 2-core machine).
arm64_tests() {
  GOLOAD_ARM64=1 timeout 960 go test -count=1 -timeout 15m -run 'TestLoadArm64Qemu|TestPatchArm64Qemu|TestDemoArm64Qemu' -v ./internal/binding > "$LOGDIR/arm64.log" 2>&1
  local rc=$?
  grep -E '^ *--- (PASS|FAIL|SKIP)|^(FAIL|ok|panic:)' "$LOGDIR/arm64.log"
  tpass=$((tpass + $(grep -c '^--- PASS' "$LOGDIR/arm64.log")))
  tfail=$((tfail + $(grep -c '^--- FAIL' "$LOGDIR/arm64.log")))
  [ $rc -eq 0 ] || tail -80 "$LOGDIR/arm64.log" >> "$LOGDIR/go-failures.log"
  return $rc
}
if [ -f go.mod ]; then
  step "arm64 under qemu-user (load, patch; 15 min budget)" arm64_tests
fi
if [ -f tests/peers/run.sh ]; then
  step "peers (tests/peers/run.sh)" peer_tests
fi

echo
# Failed Go tests' output last, where a reader of the tail sees it.
[ -s "$LOGDIR/go-failures.log" ] && cat "$LOGDIR/go-failures.log" && echo
if [ $failed -ne 0 ]; then printf 'failed steps:\n'; printf '  %s\n' "${failures[@]}"; fi
echo "steps: $passed ok, $failed failed"
# A failed step with no failed test (a build error, say) still fails the run.
[ $failed -eq 0 ] || [ $tfail -gt 0 ] || tfail=1
echo "tests: $tpass passed, $tfail failed"
[ $failed -eq 0 ]
