#!/usr/bin/env bash
# Installs everything goload needs to build, test and demo, from Debian
# packages and the Go module proxy. Idempotent: a second run does nothing
# but check. Needs root (or sudo) for apt.
set -euo pipefail

# Go releases fetched through GOTOOLCHAIN (the module proxy serves them).
PROXY_TOOLCHAINS="go1.24.13 go1.25.9 go1.27.1"
# Old releases, only to check that executables they built still inspect
# (scripts/gotoolchains.sh lists them only with GOLOAD_GO_MIN=15).
OLD_TOOLCHAINS="go1.15.15 go1.16.15 go1.17.13 go1.18.10 go1.19.13 go1.20.14"
# Debian packages; golang-1.2x-go come from bookworm-backports.
DEBS="build-essential cmake ninja-build pkg-config git python3 binutils file \
clang libclang-rt-14-dev llvm libcapstone-dev linux-perf gdb \
golang-1.21-go golang-1.22-go golang-1.23-go \
qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross libcapstone-dev:arm64"
# libc6-dev-arm64-cross: the cross compiler's C library headers (only
# recommended by gcc-aarch64-linux-gnu, which --no-install-recommends skips).
# libcapstone-dev:arm64 (the arm64 patch checks' cgo builds, run under
# qemu-user) needs the arm64 architecture in dpkg.

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
say() { echo "setup: $*" >&2; }

missing=""
for p in $DEBS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ -r /etc/os-release ] && grep -q 'VERSION_CODENAME=bookworm' /etc/os-release \
     && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    say "adding bookworm-backports to apt sources"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
  say "installing:$missing"
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "adding the arm64 architecture to dpkg"
    $SUDO dpkg --add-architecture arm64
  fi
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
fi

# The machine's own Go; if there is none, Debian's newest one fetches a current release.
if ! command -v go >/dev/null 2>&1; then
  say "no go on PATH: using /usr/lib/go-1.23/bin/go to fetch go1.26.8"
  mkdir -p /usr/local/bin
  GOTOOLCHAIN=go1.26.8 /usr/lib/go-1.23/bin/go version >/dev/null
  gomod=$(/usr/lib/go-1.23/bin/go env GOMODCACHE)
  $SUDO ln -sf "$gomod/golang.org/toolchain@v0.0.1-go1.26.8.linux-$(dpkg --print-architecture)/bin/go" /usr/local/bin/go
fi

for t in $PROXY_TOOLCHAINS $OLD_TOOLCHAINS; do
  # The go env file is ignored: a machine-wide GOFLAGS=-buildvcs=false breaks Go <= 1.17.
  if ! GOENV=off GOFLAGS= GOTOOLCHAIN=$t go version >/dev/null 2>&1; then
    say "warning: $t could not be fetched through the Go module proxy; tests will skip it"
  fi
done
say "ready: $(go version); toolchains: $("$(dirname "$0")/gotoolchains.sh" | awk '{print $2}' | tr '\n' ' ')"
