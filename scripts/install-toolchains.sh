#!/usr/bin/env bash
# Installs the Debian toolchains the real-toolchain test actors are built with, only when missing:
# clang + lld + wasi-libc (+ compiler-rt builtins for wasm32) for C, and Debian's rustc with the
# wasm32 standard library for Rust (always called as /usr/bin/rustc: the rustup toolchain that may
# come first on PATH has no wasm32 target). Nothing is installed inside the clone.
# Progress goes to stderr; a failure exits non-zero with apt's own message.
#   --check: install nothing; print the missing packages (one line) and exit 3 when any is missing.
# test-actors/build-native.mjs calls --check first (a few ms when everything is present), then this
# script as root (or through sudo -n) only when something is missing.
# Safe to run twice at once (and alongside test/vscode/install-tools.sh): apt runs under one lock
# (scripts/install-lock.sh), and a run that waited checks again before installing anything.
set -euo pipefail
# shellcheck source=install-lock.sh
. "$(dirname "${BASH_SOURCE[0]}")/install-lock.sh"

present() {
  need=()
  command -v clang >/dev/null 2>&1 || need+=(clang)
  command -v wasm-ld >/dev/null 2>&1 || need+=(lld)
  [ -f /usr/include/wasm32-wasi/stdio.h ] || need+=(wasi-libc)
  ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev-wasm32)
  [ -x /usr/bin/rustc ] || need+=(rustc)
  ls /usr/lib/rustlib/wasm32-*/lib/libstd-*.rlib >/dev/null 2>&1 || need+=(libstd-rust-dev-wasm32)
  [ ${#need[@]} -eq 0 ]
}
apt_install() {
  echo "[toolchains] apt-get install ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get "${APT_WAIT[@]}" update -qq >&2
  apt-get "${APT_WAIT[@]}" install -y -qq --no-install-recommends "${need[@]}" >&2
}

if [ "${1:-}" = "--check" ]; then
  present && exit 0
  echo "${need[*]}"
  exit 3
fi
install_once "Debian packages" "$THEATER_APT_LOCK" present apt_install
