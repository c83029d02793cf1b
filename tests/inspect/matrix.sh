#!/usr/bin/env bash
# Ground truth for `goload inspect` over Go toolchains x {internal link,
# external link via cgo} x {exe, pie} x {plain, -s -w}, plus damaged
# variants (section headers removed, pclntab magic overwritten, both).
# The checks themselves live in truth/main.go.
#
#   matrix.sh MINORS [arm64] [shlib] [old]
#     MINORS   e.g. "21,22,23"; GOLOAD_QUICK=1 keeps the newest one
#     arm64    also cross-compile arm64 exe and pie with the newest one
#     shlib    also build c-shared and plugin with the newest one
#     old      toolchains before 1.21 (Go 1.2-format pclntab, 1.16-1.20
#              layouts): internal linking only, a missing one is skipped,
#              GOLOAD_QUICK=1 keeps the oldest one's exe
# (the extras cost a cold std rebuild each, so each half takes one)
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}" "${GOLOAD_TESTTMP:?}"
minors=${1:?usage: matrix.sh MINORS [arm64] [shlib]}
shift
extras=" $* "
here=$(cd "$(dirname "$0")" && pwd)
tmp=$GOLOAD_TESTTMP/inspect-matrix-${minors//,/_}
rm -rf "$tmp" && mkdir -p "$tmp"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

passed=0; failed=0; skipped=0
# t NAME CMD...: run one truth check and add up its "N passed, M failed".
t() {
  local name=$1; shift
  local out rc
  out=$("$@" 2>"$tmp/err"); rc=$?
  local line; line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
  local p f
  p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    [ -z "$line" ] && failed=$((failed + 1))
    echo "FAILED: $name"; tail -8 "$tmp/err"
  else
    echo "ok: $name ($line)"
  fi
}

old=false; case $extras in *" old "*) old=true ;; esac
mapfile -t tcs < <(GOLOAD_GO_MIN=15 GOLOAD_GO_VERSIONS=$minors "$GOLOAD_SRC/scripts/gotoolchains.sh")
if $old; then
  # setup.sh fetches the old releases from the module proxy: one it could
  # not fetch is not tested, and says so.
  for m in ${minors//,/ }; do
    printf '%s\n' "${tcs[@]}" | grep -q "^$m " || { echo "SKIPPED: go1.$m is not installed"; skipped=$((skipped + 1)); }
  done
  if [ ${#tcs[@]} -eq 0 ]; then echo "0 passed, 0 failed, $skipped skipped"; exit 77; fi
  [ "${GOLOAD_QUICK:-0}" = 1 ] && tcs=("${tcs[0]}")
else
  if [ ${#tcs[@]} -eq 0 ]; then
    echo "no Go toolchain for minors $minors"; echo "0 passed, 1 failed"; exit 1
  fi
  [ "${GOLOAD_QUICK:-0}" = 1 ] && tcs=("${tcs[-1]}")
fi

truth=$tmp/truth
(mkdir -p "$tmp/truthsrc" && cp "$here"/truth/*.go "$tmp/truthsrc/" && cd "$tmp/truthsrc" &&
  printf 'module truth\ngo 1.21\n' > go.mod && go build -o "$truth" .) || {
  echo "cannot build the truth helper"; echo "0 passed, 1 failed"; exit 1; }

# Variants: "arch link mode". arm64 is cross-compiled (internal linking: no
# cross C toolchain).
host=$(go env GOARCH)
variants() {
  echo "$host internal exe"
  if $old; then [ "${GOLOAD_QUICK:-0}" = 1 ] || echo "$host internal pie"; return 0; fi
  echo "$host internal pie"; echo "$host external exe"; echo "$host external pie"
  [ "$1" = last ] || return 0
  case $extras in *" arm64 "*) [ "$host" = amd64 ] && { echo "arm64 internal exe"; echo "arm64 internal pie"; } ;; esac
  case $extras in *" shlib "*) echo "$host external c-shared"; echo "$host external plugin" ;; esac
}
last=${tcs[-1]}
for tc in "${tcs[@]}"; do
  read -r minor version gobin <<<"$tc"
  godir=$(dirname "$gobin")
  src=$tmp/src$minor
  cp -r "$here/testdata/prog" "$src"
  # Old releases reject -buildvcs (GOFLAGS of the machine's go env), and the
  # go line sets the language version: generics only from 1.18.
  goenv=(); golang=1.21
  $old && { goenv=(GOENV=off GOFLAGS=); golang=1.$minor; }
  printf 'module example.com/prog\ngo %s\n' "$golang" > "$src/go.mod"
  while read -r arch link mode; do
      v=$tmp/$minor-$arch-$link-$mode; mkdir -p "$v"
      if [ $link = internal ]; then
        envs=("${goenv[@]}" GOARCH=$arch CGO_ENABLED=0); tags=(); ld="-linkmode=internal"
      else
        envs=("${goenv[@]}" GOARCH=$arch CGO_ENABLED=1); tags=(-tags withcgo); ld="-linkmode=external"
      fi
      # pie with internal linking needs no cgo on amd64/arm64.
      if ! (cd "$src" && env PATH="$godir:$PATH" "${envs[@]}" "$gobin" build "${tags[@]}" -buildmode=$mode \
              -ldflags="$ld" -o "$v/plain" . &&
            env PATH="$godir:$PATH" "${envs[@]}" "$gobin" build "${tags[@]}" -buildmode=$mode \
              -ldflags="$ld -s -w" -o "$v/stripped" .) 2>"$tmp/err"; then
        echo "FAILED: build $version $link $mode"; tail -5 "$tmp/err"; failed=$((failed + 1)); continue
      fi
      "$truth" strip-sections "$v/stripped" "$v/nosections"
      "$truth" smash-magic "$v/plain" "$v/nomagic"
      "$truth" strip-sections "$v/nomagic" "$v/nomagic-nosections"
      name="$version $arch $link $mode"
      P="env ${goenv[*]} PATH=$godir:$PATH"
      t "$name plain funcs" $P "$truth" funcs "$GOLOAD_BIN" "$v/plain" "$v/plain"
      t "$name -s -w funcs" $P "$truth" funcs "$GOLOAD_BIN" "$v/stripped" "$v/plain"
      t "$name plain buildinfo" $P "$truth" buildinfo "$GOLOAD_BIN" "$v/plain"
      t "$name -s -w buildinfo" $P "$truth" buildinfo "$GOLOAD_BIN" "$v/stripped"
      t "$name -s -w inline" $P "$truth" inline "$GOLOAD_BIN" "$v/stripped" "$v/plain"
      t "$name -s -w itabs" $P "$truth" itabs "$GOLOAD_BIN" "$v/stripped" "$v/plain"
      t "$name no section headers" "$truth" same "$GOLOAD_BIN" "$v/stripped" "$v/nosections"
      t "$name magic overwritten" "$truth" same "$GOLOAD_BIN" "$v/plain" "$v/nomagic"
      t "$name both damaged" "$truth" same "$GOLOAD_BIN" "$v/plain" "$v/nomagic-nosections"
      want=$mode; [ $link = external ] && wantl=external || wantl=internal
      if "$GOLOAD_BIN" inspect info "$v/stripped" | grep -q "^build mode: *$want\$" &&
         "$GOLOAD_BIN" inspect info "$v/stripped" | grep -q "^linking: *$wantl\$" &&
         "$GOLOAD_BIN" inspect info "$v/nomagic-nosections" | grep -q "^arch: *$arch\$"; then
        passed=$((passed + 1))
      else
        failed=$((failed + 1)); echo "FAILED: $name: info does not say $want, $wantl, $arch"
      fi
  done < <(variants "$([ "$tc" = "$last" ] && echo last)")
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
