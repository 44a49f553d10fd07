#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One entry point for a fresh Debian 12 machine: installs what is missing, configures, builds, and
#   demo      runs the main job (every built-in IO module on generated traffic, cross-checked)
#   test      runs the whole test suite through ctest
#   sanitize  builds with ASan+UBSan in build-sanitize/ and runs the whole test suite there
# Extra arguments after the mode go to the bpfnic command (demo) or to ctest (test, sanitize).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-demo}"
shift || true
jobs="$(nproc)"

bash scripts/setup.sh

configure_and_build() {
  local dir="$1"
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" > "$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; exit 1; }
  cmake --build "$dir" -j "$jobs"
}

case "$mode" in
  demo)
    configure_and_build build
    ./build/host/bpfnic demo "$@"
    ;;
  test)
    configure_and_build build
    ctest --test-dir build --output-on-failure -j "$jobs" "$@"
    ;;
  sanitize)
    # ASan+UBSan over everything, the Verilated hardware and the SystemC card included (see
    # docs/fuzzing.md for what it costs). clang is installed anyway (it builds the BPF examples);
    # --as-needed is what Debian's gcc passes by default.
    configure_and_build build-sanitize -DBPFNIC_SANITIZE=ON -DBPFNIC_HW=ON \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_EXE_LINKER_FLAGS=-Wl,--as-needed
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ctest --test-dir build-sanitize --output-on-failure -j "$jobs" --timeout 3000 "$@"
    ;;
  *)
    echo "usage: scripts/run.sh demo|test|sanitize [args...]" >&2
    exit 2
    ;;
esac
