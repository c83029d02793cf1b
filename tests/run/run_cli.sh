#!/usr/bin/env bash
# goload run PATTERN -- ARGS gives the stdout, stderr and exit code of the
# same package built by go build and run with ARGS (argv[0] "greet"), and
# the stdout of go run. Needs the go command on PATH.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}" "${GOLOAD_TESTTMP:?}"
command -v go >/dev/null || { echo "run_cli: no go command: skipped"; exit 0; }
tmp="$GOLOAD_TESTTMP/run_cli"
mkdir -p "$tmp"
export GOLOAD_CACHE="$tmp/cache" GOTOOLCHAIN=local
cd "$GOLOAD_SRC"
go build -o "$tmp/greet" ./internal/binding/testdata/run/greet || exit 1
fail=0
check() {
  (exec -a greet "$tmp/greet" "$@") >"$tmp/want.out" 2>"$tmp/want.err"; want=$?
  "$GOLOAD_BIN" run ./internal/binding/testdata/run/greet -- "$@" >"$tmp/got.out" 2>"$tmp/got.err"; got=$?
  if [ "$want" != "$got" ] || ! cmp -s "$tmp/want.out" "$tmp/got.out" || ! cmp -s "$tmp/want.err" "$tmp/got.err"; then
    echo "FAIL: args [$*]: exit $got, native $want"; diff "$tmp/want.out" "$tmp/got.out"; diff "$tmp/want.err" "$tmp/got.err"
    fail=1
  else
    echo "ok: args [$*]: exit $got"
  fi
}
check
check -name gopher -n 2 -upper a b
check -exit 7
check -nosuchflag
check -- -x
# go run's own output for one argument list (its argv[0] is a temporary file)
go run ./internal/binding/testdata/run/greet -name x y | sed 's/argv0: .*/argv0:/' >"$tmp/gorun.out"
"$GOLOAD_BIN" run ./internal/binding/testdata/run/greet -name x y | sed 's/argv0: .*/argv0:/' >"$tmp/got.out"
if cmp -s "$tmp/gorun.out" "$tmp/got.out"; then echo "ok: same stdout as go run"; else
  echo "FAIL: go run printed"; cat "$tmp/gorun.out"; echo "goload run"; cat "$tmp/got.out"; fail=1; fi
# the second run uses the cached host: time it
start=$(date +%s%N)
"$GOLOAD_BIN" run ./internal/binding/testdata/run/greet >/dev/null 2>&1
echo "goload run with the cached host: $(( ($(date +%s%N) - start) / 1000000 )) ms"
exit $fail
