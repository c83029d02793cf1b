#!/usr/bin/env bash
# goload inspect as a command: exit codes, error messages that name the
# input, --filter, and --json that parses, on the synthetic seed image.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}"
G=$GOLOAD_BIN
mini=$GOLOAD_SRC/tests/fuzz/seeds/gobin/mini.bin
passed=0; failed=0
expect() { # expect NAME WANT_STATUS PATTERN CMD...: exit status and a stdout+stderr pattern
  local name=$1 want=$2 pat=$3; shift 3
  local out st
  out=$("$@" 2>&1); st=$?
  if [ "$st" = "$want" ] && printf '%s' "$out" | grep -Eq -- "$pat"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAILED: $name: status $st (want $want), output:"; printf '%s\n' "$out" | head -5
  fi
}
expect "no args" 2 "usage" "$G" inspect
expect "unknown subcommand" 2 "unknown subcommand" "$G" inspect frobnicate "$mini"
expect "unknown option" 2 "unknown option" "$G" inspect funcs --bogus "$mini"
expect "missing file" 1 "/nonexistent/x" "$G" inspect info /nonexistent/x
expect "not a Go image" 1 "not a Go image" "$G" inspect info "$G"
expect "not ELF" 1 "not an ELF, PE or Mach-O file" "$G" inspect info "$GOLOAD_SRC/README.md"
expect "bad regex" 2 "bad --filter" "$G" inspect funcs --filter '(' "$mini"
expect "bad pc" 2 "not a PC" "$G" inspect line "$mini" zzz
expect "pc outside text" 1 "outside Go text" "$G" inspect line "$mini" 0x10
expect "line" 0 "main.f /x/main.go:10" "$G" inspect line "$mini" 0x400125
expect "filter" 0 "^0x400120 .* main.f /x/main.go:9$" "$G" inspect funcs --filter 'f$' "$mini"
n=$("$G" inspect funcs --filter '^main\.m' "$mini" | wc -l)
[ "$n" = 1 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAILED: --filter kept $n lines"; }
json_ok() { # json_ok ARGS...: the command succeeds and its output parses
  if "$G" inspect "$@" | python3 -m json.tool >/dev/null; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAILED: inspect $* does not give JSON"; fi
}
for sub in info funcs types itabs symbols; do json_ok $sub --json "$mini"; done
json_ok line --json "$mini" 0x400125 0x400100
# Inputs that once hung or were misread (issue #21): a FIFO is refused at
# once, naming the path, by every command that reads a file (it used to be
# opened for reading, which waits for a writer forever); a negative or
# 64-bit-overflowing PC is no PC; an option without its argument says so.
tmpd=$(mktemp -d); trap 'rm -rf "$tmpd"' EXIT
mkfifo "$tmpd/fifo"
expect "fifo inspect" 1 "fifo: not a regular file \(a FIFO\)" timeout 10 "$G" inspect info "$tmpd/fifo"
expect "fifo inspect funcs" 1 "fifo: not a regular file" timeout 10 "$G" inspect funcs "$tmpd/fifo"
expect "fifo nm" 1 "fifo: not a regular file" timeout 10 "$G" nm "$tmpd/fifo"
expect "fifo objdump" 1 "fifo: not a regular file" timeout 10 "$G" objdump "$tmpd/fifo"
expect "directory" 1 "not a regular file \(a directory\)" timeout 10 "$G" inspect info "$tmpd"
expect "negative pc" 2 "\"-1\" is not a PC" "$G" inspect line "$mini" -1
expect "plus pc" 2 "not a PC" "$G" inspect line "$mini" +5
expect "overflowing pc" 2 "not a PC" "$G" inspect line "$mini" 0x1ffffffffffffffff
expect "overflowing decimal pc" 2 "not a PC" "$G" inspect line "$mini" 18446744073709551616
expect "max pc" 1 "outside Go text" "$G" inspect line "$mini" 0xffffffffffffffff
expect "filter without argument" 2 "\"--filter\" needs an argument" "$G" inspect funcs "$mini" --filter
expect "nm sort without argument" 2 "needs an argument" "$G" nm -sort
expect "objdump importcfg without argument" 2 "needs an argument" "$G" objdump --importcfg
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
