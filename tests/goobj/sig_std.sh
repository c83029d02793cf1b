#!/usr/bin/env bash
# The Go signature goload decodes from each function's DWARF info
# (sigdump, src/goobj/dwarfsig.c) against the signature go/importer reads
# from the export data (sigtruth, built by the same toolchain), for every
# exported function and method of a set of std packages, per toolchain.
# Every function sigtruth spells must be found with the same signature,
# except those two kinds, counted apart: functions without a body in the
# archive (declared here, implemented in assembly or by linkname
# elsewhere: time.Sleep), and results the DWARF does not list because a
# range-over-func loop body captures them (reflect.Value.Comparable: the
# compiler moves the result into the closure and emits no DIE for it).
# GOLOAD_QUICK=1: the machine's own Go only.
set -uo pipefail
: "${GOLOAD_SRC:?}" "${GOLOAD_TESTTMP:?}"
dump=$1
tmp="$GOLOAD_TESTTMP/sig_std"; rm -rf "$tmp"; mkdir -p "$tmp"
PKGS="fmt strings bytes strconv io bufio sort errors os time sync net/http encoding/json reflect math/big regexp path/filepath context"
own=$(GOTOOLCHAIN=local go env GOVERSION)
chains=$(bash "$GOLOAD_SRC/scripts/gotoolchains.sh")
[ "${GOLOAD_QUICK:-0}" = 1 ] && chains=$(echo "$chains" | awk -v v="$own" '$2==v')
passed=0 failed=0 total=0
while read -r m v g; do
  d="$tmp/$m"; mkdir -p "$d"
  # shellcheck disable=SC2086
  GOTOOLCHAIN=local GOFLAGS= "$g" list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' $PKGS > "$d/cfg" 2> "$d/err" ||
    { echo "FAIL $v: go list: $(head -3 "$d/err")"; failed=$((failed+1)); continue; }
  (cd "$GOLOAD_SRC" && GOTOOLCHAIN=local GOFLAGS= "$g" build -o "$d/sigtruth" ./tests/goobj/sigtruth) 2> "$d/err" ||
    { echo "FAIL $v: build sigtruth: $(head -3 "$d/err")"; failed=$((failed+1)); continue; }
  # shellcheck disable=SC2086
  "$d/sigtruth" "$d/cfg" $PKGS 2> "$d/truth.err" | sort > "$d/truth" ||
    { echo "FAIL $v: sigtruth: $(head -3 "$d/truth.err")"; failed=$((failed+1)); continue; }
  files=$(for p in $PKGS; do awk -v p="$p" -F'[ =]' '$2==p{print $3}' "$d/cfg"; done)
  # shellcheck disable=SC2086
  "$dump" $files 2> "$d/dump.err" | sort -u > "$d/dwarf" ||
    { echo "FAIL $v: sigdump: $(grep FAIL "$d/dump.err" | head -3)"; failed=$((failed+1)); continue; }
  n=$(wc -l < "$d/truth")
  join -t $'\t' -a1 -e MISSING -o 0,1.2,2.2 "$d/truth" "$d/dwarf" | awk -F'\t' '$2!=$3' > "$d/diff"
  nobody=$(awk -F'\t' '$3=="MISSING"' "$d/diff" | wc -l)
  # The truth's parameters with the results left off.
  noresult=$(awk -F'\t' '$3!="MISSING" { p=$2; sub(/\) .*/, ")", p); if (p==$3) print }' "$d/diff" | wc -l)
  bad=$(( $(wc -l < "$d/diff") - nobody - noresult ))
  total=$((total+n))
  if [ "$n" -gt 0 ] && [ "$bad" = 0 ]; then
    echo "ok $v: $((n-nobody-noresult)) of $n exported std signatures match; $nobody have no body here, $noresult lack their results in DWARF ($(sed 's/sigtruth: //' "$d/truth.err"); $(wc -l < "$d/dwarf") functions with DWARF read)"
    passed=$((passed+1))
  else
    echo "FAIL $v: $bad of $n signatures differ (truth, dwarf):"; awk -F'\t' '$3!="MISSING" { p=$2; sub(/\) .*/, ")", p); if (p!=$3) print }' "$d/diff" | head -8
    failed=$((failed+1))
  fi
done <<< "$chains"
[ -n "$chains" ] || failed=$((failed+1))
echo "sig_std: $total signatures compared; $passed passed, $failed failed"
[ "$failed" = 0 ]
