#!/usr/bin/env bash
# goload fix figures (issue 15): examples/fix/service, built by the
# machine's Go, fixed N times (default 20) under a loopback load of 4
# keep-alive clients, one changed package, warm build cache: first with
# the clients bounded to GOLOAD_FIX_RATE requests a second together
# (default 2000), then unbounded (each sends as soon as it is answered,
# which saturates a small machine). Prints the time from command to live
# (target <= 1 s), the agent's stop pause p50/p99 (target <= 200 µs) and
# the failed requests (must be 0); and, under the bounded load, the
# command to live of up to 5 first fixes with a cold index whose
# originals are not in the build cache and are built from the service's
# git revision (the service is committed in a temporary repo).
set -euo pipefail
cd "$(dirname "$0")/.."
minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION)"
GOLOAD_GO_VERSIONS=$minor GOLOAD_FIX_BENCH=${1:-20} go test -count=1 -v -run '^TestFixBench$' ./internal/binding | grep -v '^=== RUN\|^--- PASS\|^PASS\|^ok'
