#!/usr/bin/env bash
# The abi type layouts of src/versions/rt_tables.c (what src/link/hosttypes.c
# and the type checks read) against the go_asm.h each toolchain writes
# while compiling internal/abi: every offset, size and flag, per version
# (1.24 and 1.25 call the swiss-table MapType SwissMapType); and what runtime
# itself declares against the go_asm.h of runtime: the itab hash table
# (runtime.itabTable, which hosttypes.c walks), runtime.itab before 1.23,
# and, where the table has them, the heap's specials (what Close walks for
# AddCleanup's cleanups).
# GOLOAD_QUICK=1 checks only the newest toolchain.
set -uo pipefail
dump=$1
tcs=$("$GOLOAD_SRC/scripts/gotoolchains.sh")
[ "${GOLOAD_QUICK:-0}" = 1 ] && tcs=$(echo "$tcs" | tail -1)
pass=0; fail=0; n=0
# compare HEADER FACTS...: each "NAME VALUE" (or "!NAME") against HEADER;
# sets bad=1 on a difference.
compare() {
  local h=$1 name val; shift
  while read -r name val; do
    [ -n "$name" ] || continue
    n=$((n+1))
    if [ "${name#!}" != "$name" ]; then
      grep -q "^#define ${name#!} " "$h" && { echo "FAIL $ver: the table lacks ${name#!}, go_asm.h has it"; bad=1; }
    elif ! grep -qx "#define $name $val" "$h" && ! grep -qx "#define Swiss$name $val" "$h"; then
      echo "FAIL $ver: table $name $val, go_asm.h: $(grep "^#define $name " "$h" || echo none)"; bad=1
    fi
  done
}
while read -r minor ver gobin; do
  heap=$("$dump" --runtime "$minor")
  pkg=runtime   # building runtime writes both headers
  work=$(GOTOOLCHAIN=local GOFLAGS= "$gobin" build -work -a $pkg 2>&1 | sed -n 's/^WORK=//p')
  h=$(grep -l '#define Type__size ' "$work"/b*/go_asm.h 2>/dev/null | head -1)
  hr=$(grep -l '#define mspan__size ' "$work"/b*/go_asm.h 2>/dev/null | head -1)
  if [ -z "$h" ] || { [ -n "$heap" ] && [ -z "$hr" ]; }; then
    echo "FAIL $ver: no go_asm.h for internal/abi or runtime"; fail=$((fail+1)); rm -rf "$work"; continue
  fi
  bad=0
  compare "$h" < <("$dump" "$minor")
  [ -n "$heap" ] && compare "$hr" <<< "$heap"
  rm -rf "$work"
  if [ $bad = 0 ]; then echo "ok $ver: $("$dump" "$minor" | wc -l) layout facts and $(echo -n "$heap" | grep -c .) runtime facts match go_asm.h"; pass=$((pass+1)); else fail=$((fail+1)); fi
done <<< "$tcs"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
