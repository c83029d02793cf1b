#!/usr/bin/env bash
# goload objdump and nm from the command line: the JSON document parses and
# agrees with the text listing and the object's own counts; --importcfg
# names every inline-tree function; an object of an unknown Go version and a
# truncated archive fail with exit status 1 and a message naming the file.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_TESTTMP:?}"
tmp="$GOLOAD_TESTTMP/objdump_cli"; rm -rf "$tmp"; mkdir -p "$tmp"
passed=0; failed=0
ok() { passed=$((passed+1)); echo "ok: $*"; }
bad() { failed=$((failed+1)); echo "FAIL: $*"; }
export GOTOOLCHAIN=local GOFLAGS=
for pkg in fmt encoding/json runtime/cgo; do
  a=$(go list -export -f '{{.Export}}' "$pkg")
  go list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' "$pkg" > "$tmp/cfg"
  "$GOLOAD_BIN" objdump --relocs "$a" > "$tmp/text" || bad "$pkg: objdump --relocs failed"
  "$GOLOAD_BIN" objdump --json --syms --relocs --funcinfo --importcfg "$tmp/cfg" "$a" > "$tmp/json" || bad "$pkg: objdump --json failed"
  # JSON: relocations listed = the header's per-object totals = text lines.
  counts=$(python3 - "$tmp/json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
listed = total = inl = unnamed = 0
for m in d["members"]:
    if m["kind"] != "go":
        continue
    total += m["counts"]["relocs"]
    for s in m["symbols"]:
        listed += len(s.get("relocs", []))
        for n in s.get("funcinfo", {}).get("inltree", []):
            inl += 1
            unnamed += n["func"].get("name") is None
print(listed, total, inl, unnamed)
PY
) || { bad "$pkg: JSON does not parse"; continue; }
  read -r listed total inl unnamed <<< "$counts"
  text=$(grep -c '^    reloc ' "$tmp/text")
  [ "$listed" = "$total" ] && [ "$listed" = "$text" ] && ok "$pkg: $listed relocations in JSON = object totals = text lines" \
    || bad "$pkg: relocations JSON $listed, totals $total, text $text"
  [ "$unnamed" = 0 ] && ok "$pkg: all $inl inline-tree functions named with --importcfg" \
    || bad "$pkg: $unnamed of $inl inline-tree functions unnamed"
done
# An object from a Go version goload does not know: same length, go1.99.
a=$(go list -export -f '{{.Export}}' strconv); v=$(go env GOVERSION)
python3 - "$a" "$tmp/future.a" "$v" <<'PY'
import sys
d = open(sys.argv[1], "rb").read(); v = sys.argv[3].encode()
open(sys.argv[2], "wb").write(d.replace(b" " + v + b" ", b" go1.99" + v[6:] + b" "))
PY
for cmd in "nm" "objdump --syms"; do
  # shellcheck disable=SC2086
  if "$GOLOAD_BIN" $cmd "$tmp/future.a" > /dev/null 2> "$tmp/err"; then bad "$cmd: go1.99 object accepted"
  elif grep -q "version" "$tmp/err" && grep -q "future.a" "$tmp/err" && grep -q "1.99" "$tmp/err"; then ok "$cmd: $(head -1 "$tmp/err")"
  else bad "$cmd: unclear error: $(head -1 "$tmp/err")"; fi
done
head -c 30000 "$a" > "$tmp/cut.a"
if "$GOLOAD_BIN" nm "$tmp/cut.a" > /dev/null 2> "$tmp/err"; then bad "truncated archive accepted"
elif grep -q "cut.a" "$tmp/err"; then ok "truncated: $(head -1 "$tmp/err")"; else bad "truncated: $(head -1 "$tmp/err")"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
