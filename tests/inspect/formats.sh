#!/usr/bin/env bash
# goload inspect on Windows (PE32+) and macOS (Mach-O) Go binaries, issue 22.
# Cross-builds tests/inspect/testdata/prog with GOOS=windows and darwin,
# GOARCH amd64 and arm64, plain and -s -w, on the oldest and the newest
# supported Go, and checks with truth/ (debug/gosym, debug/pe, debug/macho,
# DWARF, go version -m, go tool nm on the unstripped twin):
#   funcs (entries, sizes, file:line of >= 1000 PCs), inline chains, itabs,
#   info == go version -m, stripped == unstripped, every subcommand in text
#   and JSON, info names the format and OS; a universal Mach-O with --arch
#   and its refusal without; 32-bit PE (a real windows/386 build) and Mach-O
#   refused; damaged headers, truncated and bit-flipped files give an error,
#   never a crash (run under ASan+UBSan by the asan preset).
#
#   formats.sh [MINORS]   default: the oldest and newest of gotoolchains.sh
# Cross builds are cached in $GOLOAD_TESTTMP/inspect-formats-cache, keyed by
# the toolchain and a hash of the program's sources.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}" "${GOLOAD_TESTTMP:?}"
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
tmp=$GOLOAD_TESTTMP/inspect-formats; cache=$GOLOAD_TESTTMP/inspect-formats-cache
rm -rf "$tmp" && mkdir -p "$tmp" "$cache"

mapfile -t all < <("$GOLOAD_SRC/scripts/gotoolchains.sh")
if [ $# -ge 1 ]; then
  mapfile -t tcs < <(GOLOAD_GO_VERSIONS=$1 "$GOLOAD_SRC/scripts/gotoolchains.sh")
else
  tcs=("${all[0]}"); [ ${#all[@]} -gt 1 ] && tcs+=("${all[-1]}")
fi
[ ${#tcs[@]} -gt 0 ] || { echo "no Go toolchain"; echo "0 passed, 1 failed"; exit 1; }

passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAILED: $*"; }
t() { # t NAME CMD...: a truth check, adding up its "N passed, M failed"
  local name=$1; shift
  local out rc line
  out=$("$@" 2>"$tmp/err"); rc=$?
  line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
  passed=$((passed + $(echo "$line" | awk '{print $1+0}'))); failed=$((failed + $(echo "$line" | awk '{print $3+0}')))
  if [ $rc -ne 0 ] || [ -z "$line" ]; then [ -z "$line" ] && failed=$((failed + 1)); echo "FAILED: $name"; tail -8 "$tmp/err"
  else echo "ok: $name ($line)"; fi
}
# refuse NAME WANT FILE [ARGS]: inspect info exits 1 with WANT in its error, no crash.
refuse() {
  local name=$1 want=$2; shift 2
  local rc; "$GOLOAD_BIN" inspect info "$@" >/dev/null 2>"$tmp/rerr"; rc=$?
  if [ $rc -eq 1 ] && grep -q -- "$want" "$tmp/rerr"; then ok
  else bad "$name: exit $rc, want 1 and \"$want\": $(head -c 300 "$tmp/rerr")"; fi
}
# nocrash NAME FILE: any subcommand may refuse (exit 1) but never crash.
nocrash() {
  local rc
  for sub in info funcs types itabs symbols; do
    "$GOLOAD_BIN" inspect $sub --json "$2" >/dev/null 2>"$tmp/nerr"; rc=$?
    if [ $rc -gt 1 ] || grep -q "Sanitizer\|runtime error" "$tmp/nerr"; then
      bad "$1: inspect $sub exit $rc: $(head -c 300 "$tmp/nerr")"; return
    fi
  done
  ok
}

truth=$tmp/truth
(mkdir -p "$tmp/truthsrc" && cp "$here"/truth/*.go "$tmp/truthsrc/" && cd "$tmp/truthsrc" &&
  printf 'module truth\ngo 1.21\n' > go.mod && go build -o "$truth" .) || {
  echo "cannot build the truth helper"; echo "0 passed, 1 failed"; exit 1; }

srchash=$(cat "$here"/testdata/prog/*.go | sha256sum | cut -c1-16)
for tc in "${tcs[@]}"; do
  read -r minor version gobin <<<"$tc"
  godir=$(dirname "$gobin")
  src=$tmp/src$minor; cp -r "$here/testdata/prog" "$src"
  printf 'module example.com/prog\ngo 1.21\n' > "$src/go.mod"
  c=$cache/$version-$srchash; mkdir -p "$c"
  P=(env "PATH=$godir:$PATH")
  for os in windows darwin; do for arch in amd64 arm64; do
    v=$c/$os-$arch
    if [ ! -s "$v-stripped" ]; then
      if ! (cd "$src" && "${P[@]}" CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$gobin" build -o "$v-plain" . &&
            "${P[@]}" CGO_ENABLED=0 GOOS=$os GOARCH=$arch "$gobin" build -ldflags='-s -w' -o "$v-stripped" .) 2>"$tmp/err"; then
        bad "build $version $os/$arch"; tail -5 "$tmp/err"; rm -f "$v-plain" "$v-stripped"; continue
      fi
    fi
    name="$version $os/$arch"
    for k in plain stripped; do
      t "$name $k funcs" "${P[@]}" "$truth" funcs "$GOLOAD_BIN" "$v-$k" "$v-plain"
      t "$name $k inline" "${P[@]}" "$truth" inline "$GOLOAD_BIN" "$v-$k" "$v-plain"
      t "$name $k itabs" "${P[@]}" "$truth" itabs "$GOLOAD_BIN" "$v-$k" "$v-plain"
      t "$name $k buildinfo" "${P[@]}" "$truth" buildinfo "$GOLOAD_BIN" "$v-$k"
      # The file's own symbol table: every defined symbol go tool nm lists
      # (-s -w removes it: PE has none left, Mach-O keeps only imports).
      # The newest nm: from 1.22 on it marks Go's bss inside PE .data as B.
      [ $k = plain ] && t "$name $k symbols" env "PATH=$(dirname "${tcs[-1]##* }"):$PATH" "$truth" symbols "$GOLOAD_BIN" "$v-$k"
      # info names the format and the target OS; every subcommand, text and JSON.
      fmt=PE; [ $os = darwin ] && fmt=Mach-O
      info=$("$GOLOAD_BIN" inspect info "$v-$k")
      # (Go 1.21's -s keeps a darwin binary's symbols)
      want=no; [ $k = stripped ] && { [ $os = windows ] || [ $minor -ge 22 ]; } && want=yes
      grep -q "^stripped: *$want" <<<"$info" && ok || bad "$name $k: info does not say stripped: $want"
      # The entry point (PE AddressOfEntryPoint + image base, Mach-O LC_MAIN
      # or LC_UNIXTHREAD) lies in Go's text: internal linking (CGO_ENABLED=0).
      grep -q "^linking: *internal\$" <<<"$info" && ok || bad "$name $k: info does not say linking: internal"
      if grep -q "^format: *$fmt\$" <<<"$info" && grep -q "^os: *$os\$" <<<"$info" && grep -q "^arch: *$arch\$" <<<"$info" &&
         grep -q "\"format\": *\"$fmt\"" <<<"$("$GOLOAD_BIN" inspect info --json "$v-$k")"; then ok
      else bad "$name $k: info does not say format $fmt, os $os, arch $arch"; fi
      for sub in funcs types itabs symbols; do
        n1=$("$GOLOAD_BIN" inspect $sub "$v-$k" | wc -l); n2=$("$GOLOAD_BIN" inspect $sub --json "$v-$k" | grep -o '"[a-z_]*":' | wc -l)
        if [ "$n1" -gt 4 ] && [ "$n2" -gt 4 ]; then ok; else bad "$name $k: inspect $sub printed $n1 lines, --json $n2"; fi
      done
      # (whole outputs first: grep -q would stop the writer under pipefail)
      out=$("$GOLOAD_BIN" inspect types "$v-$k"); grep -q "main.Rect" <<<"$out" && ok || bad "$name $k: types lacks main.Rect"
      out=$("$GOLOAD_BIN" inspect symbols "$v-$k")
      grep -Eq '^0x[0-9a-f]+ +[0-9]+ T main\.main ' <<<"$out" && ok || bad "$name $k: symbols lacks main.main"
    done
    # Stripped gives the same answers as unstripped.
    t "$name same funcs" "$truth" same "$GOLOAD_BIN" "$v-plain" "$v-stripped"
    pcs=$("$GOLOAD_BIN" inspect funcs "$v-plain" | awk 'NR>1 && NR%7==0 {print $1}' | head -300)
    if [ -n "$pcs" ] && cmp -s <("$GOLOAD_BIN" inspect line --json "$v-plain" $pcs) <("$GOLOAD_BIN" inspect line --json "$v-stripped" $pcs) &&
       cmp -s <("$GOLOAD_BIN" inspect types "$v-plain" | awk '{$1=""; print}') <("$GOLOAD_BIN" inspect types "$v-stripped" | awk '{$1=""; print}'); then ok
    else bad "$name: line or types differ between plain and -s -w"; fi
  done; done
done

# Refusals and bad input, on the newest toolchain's builds.
c=$cache/$(read -r _ v _ <<<"${tcs[-1]}"; echo "$v")-$srchash
read -r _ _ gobin <<<"${tcs[-1]}"
if [ -s "$c/darwin-arm64-plain" ] && [ -s "$c/darwin-amd64-plain" ]; then
  "$truth" fat "$tmp/fat" "$c/darwin-amd64-plain" "$c/darwin-arm64-plain"
  refuse "fat without --arch" "universal (fat) Mach-O with 2 architectures (amd64, arm64): choose one with --arch" "$tmp/fat"
  refuse "fat --arch 386" "has no 386 slice (it has amd64, arm64)" --arch 386 "$tmp/fat"
  for a in amd64 arm64; do
    if cmp -s <("$GOLOAD_BIN" inspect funcs --json --arch $a "$tmp/fat") <("$GOLOAD_BIN" inspect funcs --json "$c/darwin-$a-plain") &&
       grep -q "^arch: *$a\$" <<<"$("$GOLOAD_BIN" inspect info --arch $a "$tmp/fat")"; then ok
    else bad "fat --arch $a differs from the thin file"; fi
  done
  refuse "--arch on a thin file" "selects a slice of a universal Mach-O" --arch arm64 "$c/darwin-arm64-plain"
fi
# A real 32-bit PE (windows/386).
if (cd "$tmp/src${minor}" && env "PATH=$(dirname "$gobin"):$PATH" CGO_ENABLED=0 GOOS=windows GOARCH=386 "$gobin" build -o "$tmp/w386.exe" .) 2>"$tmp/err"; then
  refuse "windows/386" "32-bit PE (PE32, 386) is not supported" "$tmp/w386.exe"
else bad "build windows/386"; tail -3 "$tmp/err"; fi
mkdir -p "$tmp/damaged"
for f in windows-amd64-plain darwin-arm64-plain darwin-amd64-stripped; do
  [ -s "$c/$f" ] && "$truth" damage "$c/$f" "$tmp/damaged"
done
for d in "$tmp"/damaged/*; do
  case $(basename "$d") in
    pe32) refuse pe32 "32-bit PE" "$d" ;;
    macho32) refuse macho32 "32-bit Mach-O is not supported" "$d" ;;
    pe-bad-lfanew) refuse "$(basename "$d")" "not an ELF, PE or Mach-O file" "$d" ;;
    *) refuse "$(basename "$d")" "malformed input" "$d" ;;
  esac
done
# Truncated at many lengths, and bit-flipped: an error or an answer, never a crash.
for f in windows-arm64-stripped darwin-amd64-plain; do
  [ -s "$c/$f" ] || continue
  size=$(stat -c %s "$c/$f")
  for cut in 64 200 1000 4096 65536 $((size / 3)) $((size / 2)) $((size - 4096)) $((size - 1)); do
    head -c "$cut" "$c/$f" > "$tmp/cut"; nocrash "$f cut at $cut" "$tmp/cut"
  done
  for seed in 1 2 3 4 5 6; do
    python3 - "$c/$f" "$tmp/flip" "$seed" <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], 'rb').read()); r = random.Random(int(sys.argv[3]))
# Headers first (the first 4 KiB), then anywhere.
for _ in range(40): b[r.randrange(4096)] ^= 1 << r.randrange(8)
for _ in range(400): b[r.randrange(len(b))] ^= 1 << r.randrange(8)
open(sys.argv[2], 'wb').write(b)
PY
    nocrash "$f flipped (seed $seed)" "$tmp/flip"
  done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
