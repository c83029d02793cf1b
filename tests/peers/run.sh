#!/usr/bin/env bash
# Runs the peers' test programs through goload (tests/peers, its own Go
# module) and prints, per toolchain, "peers: N passed, M failed of K" with
# each failure's first error, then the matrix of cases x toolchains.
#   GOLOAD_GO_VERSIONS=21,26,27 (default)   GOLOAD_PEERS_CASES=REGEXP
# Exits non-zero when a case fails. The module's dependencies come from
# the module cache: `go mod download` fills it on a fresh machine (go.sum
# is committed, so nothing else is resolved).
set -uo pipefail
cd "$(dirname "$0")"
export GOTOOLCHAIN=local
log=$(mktemp)
trap 'rm -f "$log"' EXIT
go mod download || { echo "run.sh: go mod download failed"; exit 1; }
go test -count=1 -timeout 180m -v -run '^TestPeers$' . >"$log" 2>&1
rc=$?
# The summary lines, the failures under them and the matrix.
grep -E '^peers[:|]' "$log"
if [ $rc -ne 0 ]; then
  echo "run.sh: go test failed (exit $rc); the failing cases' details:"
  # Each failed case's log: go test -v prints it under "=== RUN" of the
  # case; the "--- FAIL" lines come at the end.
  awk 'NR == FNR { if (match($0, /--- FAIL: TestPeers\/[^\/]+\/[^ ]+/)) failed[substr($0, RSTART + 10, RLENGTH - 10)] = 1; next }
       /^=== RUN   / { name = $3; show = (name in failed) }
       /^(peers[:|]|--- |PASS|FAIL)/ { show = 0 }
       show' "$log" "$log" | tail -1500
fi
exit $rc
