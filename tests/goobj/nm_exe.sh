#!/usr/bin/env bash
# goload nm on executables against go tool nm, byte for byte and with the
# same exit status: a small program built with CGO_ENABLED=0, as PIE,
# linked externally, stripped with -s (both then say "no symbols"), and a
# cgo one, by the oldest and the newest toolchain, under four flag
# sets each.
set -uo pipefail
: "${GOLOAD_BIN:?}" "${GOLOAD_SRC:?}" "${GOLOAD_TESTTMP:?}"
tmp="$GOLOAD_TESTTMP/nm_exe"; rm -rf "$tmp"; mkdir -p "$tmp/pure" "$tmp/cgo"
cat > "$tmp/pure/main.go" <<'GO'
package main

import "fmt"

var table = map[string]int{"a": 1}

func main() { fmt.Println("answer", 42, table["a"]) }
GO
cat > "$tmp/cgo/main.go" <<'GO'
package main

/*
static int twice(int x) { return 2 * x; }
*/
import "C"

import "fmt"

func main() { fmt.Println("twice", C.twice(21)) }
GO
printf 'module nmexe\n\ngo 1.21\n' | tee "$tmp/pure/go.mod" > "$tmp/cgo/go.mod"
chains=$(bash "$GOLOAD_SRC/scripts/gotoolchains.sh" | sed -n '1p;$p' | sort -u)
passed=0 failed=0
while read -r m v g; do
  for b in "static:pure:0:" "pie:pure:1:-buildmode=pie" "external:pure:1:-ldflags=-linkmode=external" \
           "stripped:pure:0:-ldflags=-s" "cgo:cgo:1:"; do
    IFS=: read -r name dir cgo flags <<< "$b"
    exe="$tmp/$name$m"
    # shellcheck disable=SC2086
    if ! (cd "$tmp/$dir" && CGO_ENABLED=$cgo GOTOOLCHAIN=local GOFLAGS= "$g" build $flags -o "$exe" .) > "$tmp/builderr" 2>&1; then
      echo "FAIL $v $name: build: $(head -3 "$tmp/builderr")"; failed=$((failed+1)); continue
    fi
    for fl in "" "-size -sort address" "-sort size -type" "-n"; do
      # shellcheck disable=SC2086
      GOTOOLCHAIN=local "$g" tool nm $fl "$exe" > "$tmp/go" 2> /dev/null; rgo=$?
      # shellcheck disable=SC2086
      "$GOLOAD_BIN" nm $fl "$exe" > "$tmp/gl" 2> "$tmp/glerr"; rgl=$?
      if cmp -s "$tmp/go" "$tmp/gl" && [ "$rgo" = "$rgl" ]; then
        passed=$((passed+1))
        echo "ok $v $name nm ${fl:-(default)}: $(wc -l < "$tmp/go") lines identical, exit $rgo"
      else
        failed=$((failed+1))
        echo "FAIL $v $name nm ${fl:-(default)}: exit $rgo (go) vs $rgl (goload)"
        diff "$tmp/go" "$tmp/gl" | head -6; head -3 "$tmp/glerr"
      fi
    done
  done
done <<< "$chains"
[ -n "$chains" ] || failed=$((failed+1))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
