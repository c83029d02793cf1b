#!/usr/bin/env bash
# goload nm against go tool nm, byte for byte: every std package archive
# (`go list -export std` with each installed toolchain) under two flag sets
# (default name order, -size -sort address), and two more (-sort size,
# -sort none) for the machine's own Go: go tool nm is the heavy side.
# One nm invocation per toolchain and flag set lists all archives at once
# (lines are then prefixed with the file, which is compared too).
# GOLOAD_QUICK=1: the machine's own Go and 40 packages only.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}" "${GOLOAD_TESTTMP:?}"
tmp="$GOLOAD_TESTTMP/nm_std"; rm -rf "$tmp"; mkdir -p "$tmp"
# Flag sets, one per line (the first is the default: no flags).
FLAGSETS=$'\n-size -sort address'
FLAGSETS_OWN=$'\n-sort size -type\n-sort none -size'
own=$(GOTOOLCHAIN=local go env GOVERSION)
chains=$(bash "$GOLOAD_SRC/scripts/gotoolchains.sh")
if [ "${GOLOAD_QUICK:-0}" = 1 ]; then
  chains=$(echo "$chains" | awk -v v="$own" '$2==v')
fi
one() { # one MINOR VERSION GO: prints "ok ..." or "FAIL ..." lines
  # Two declarations: bash expands all of one `local`'s words before it
  # assigns any, so "list$m" would name one file shared by the toolchains
  # that run at once (xargs -P2), and a run could read another's list.
  local m=$1 v=$2 g=$3
  local list="$tmp/list$m"
  if ! GOTOOLCHAIN=local GOFLAGS= "$g" list -export -f '{{.ImportPath}} {{.Export}}' std > "$list" 2> "$tmp/listerr$m"; then
    echo "FAIL $v: go list -export std: $(head -3 "$tmp/listerr$m")"; return
  fi
  local files; files=$(awk 'NF==2{print $2}' "$list")
  [ "${GOLOAD_QUICK:-0}" = 1 ] && files=$(echo "$files" | head -40)
  local n; n=$(echo "$files" | wc -l)
  local fl sets="$FLAGSETS"
  [ "$v" = "$own" ] && sets="$FLAGSETS$FLAGSETS_OWN"
  while IFS= read -r fl; do
    # shellcheck disable=SC2086
    GOTOOLCHAIN=local "$g" tool nm $fl $files > "$tmp/go$m" 2> "$tmp/goerr$m"
    # shellcheck disable=SC2086
    "$GOLOAD_BIN" nm $fl $files > "$tmp/gl$m" 2> "$tmp/glerr$m"
    if cmp -s "$tmp/go$m" "$tmp/gl$m"; then
      echo "ok $v nm ${fl:-(default)}: $n archives compared, $(wc -l < "$tmp/go$m") lines identical"
    else
      echo "FAIL $v nm ${fl:-(default)}: $n archives, output differs:"
      diff "$tmp/go$m" "$tmp/gl$m" | head -6; head -3 "$tmp/glerr$m"
    fi
  done <<< "$sets"
}
export -f one; export tmp GOLOAD_BIN GOLOAD_QUICK FLAGSETS FLAGSETS_OWN own
# Two toolchains at a time: go tool nm is the heavy side.
out=$(echo "$chains" | xargs -P2 -L1 bash -c 'one "$0" "$1" "$2"')
echo "$out" | sort -V
archives=$(echo "$out" | awk '/^ok .*nm \(default\)/{s+=$5} END{print s+0}')
passed=$(echo "$out" | grep -c '^ok ')
failed=$(echo "$out" | grep -c '^FAIL ')
[ -n "$chains" ] || failed=$((failed+1))
echo "nm: $(echo "$chains" | wc -l) toolchains, $archives archives compared with go tool nm, $passed flag-set runs"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
