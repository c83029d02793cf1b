#!/usr/bin/env bash
# Compares src/versions/rt_sched_tables.c with the go_asm.h each toolchain
# generates while compiling package runtime, and the worldStop shape with
# runtime/proc.go. GOLOAD_QUICK=1 checks only the newest toolchain.
#   sched_tables.sh [GOARCH]   (default amd64; arm64: the same table serves
#                               the arm64 patcher, so its go_asm.h must agree)
set -uo pipefail
arch=${1:-amd64}
tab=$GOLOAD_SRC/src/versions/rt_sched_tables.c
tcs=$("$GOLOAD_SRC/scripts/gotoolchains.sh")
[ "${GOLOAD_QUICK:-0}" = 1 ] && tcs=$(echo "$tcs" | tail -1)
pass=0; fail=0
while read -r minor ver gobin; do
  work=$(GOTOOLCHAIN=local GOFLAGS= GOARCH=$arch "$gobin" build -work -a runtime 2>&1 | sed -n 's/^WORK=//p')
  h=$(grep -l '#define g_sched ' "$work"/b*/go_asm.h 2>/dev/null | head -1)
  if [ -z "$h" ]; then echo "go$ver: no go_asm.h"; fail=$((fail+1)); rm -rf "$work"; continue; fi
  d() { sed -n "s/^#define $1 \(-\{0,1\}[0-9]*\)$/\1/p" "$h"; }
  g_stack=$(d g_stack); g_sched=$(d g_sched)
  want="{$minor, $((g_stack + $(d stack_lo))), $((g_stack + $(d stack_hi))), $((g_sched + $(d gobuf_sp))), $((g_sched + $(d gobuf_pc))), $(d g_syscallsp), $(d g_syscallpc), $(d g_atomicstatus), $(d g_goid), $(d const__Grunning), $(d const__Gscan),"
  rm -rf "$work"
  goroot=$(GOTOOLCHAIN=local "$gobin" env GOROOT)
  words=$(awk '/^type worldStop struct/,/^}/' "$goroot/src/runtime/proc.go" | grep -c 'int64')
  want="$want $words},"
  got=$(grep -F "{$minor," "$tab" | sed 's/^[[:space:]]*//')
  if [ "$got" = "$want" ]; then pass=$((pass+1)); else echo "go$ver $arch: table has '$got', toolchain says '$want'"; fail=$((fail+1)); fi
done <<< "$tcs"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
