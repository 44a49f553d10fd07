#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Smoke run of the whole benchmark set (scripts/bench.sh --quick) into a temporary folder, then
# checks of what it produced, not of any timing: every benchmark wrote its JSON and the report
# its sections and charts, no module failed on the RTL, and on the multi-core device every
# packet's verdict and frame equals the interpreter's, as do the final maps of the modules whose
# result does not depend on packet order. Usage: bench/smoke_test.sh BUILD_DIR
set -euo pipefail
build="$1"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/bench.sh" --quick "$build" "$out" 2> "$out/log" || { cat "$out/log"; exit 1; }
fail() { echo "bench smoke: $*" >&2; exit 1; }
for f in compile verifier jit core sim rtl scale; do
  [ -s "$out/$f.json" ] || fail "$f.json missing or empty"
done
for f in bundles cycles hxdp scaling; do
  grep -q '<svg' "$out/$f.svg" || fail "$f.svg is not an SVG"
done
for s in "## Compiler" "## RTL over generated traffic" "## Side by side with hXDP" "## Scaling" "## Software path" \
         "## Verifier time" "## Simulation speed"; do
  grep -q "^$s" "$out/report.md" || fail "report.md lacks section '$s'"
done
[ "$(jq '[.modules[] | select(.error != null)] | length' "$out/rtl.json")" = 0 ] ||
  fail "RTL bench errors: $(jq -c '[.modules[] | select(.error != null) | {module, lanes, error}]' "$out/rtl.json")"
[ "$(jq '[.modules[] | select(.hxdp_mpps_156 != null)] | length' "$out/rtl.json")" -ge 11 ] ||
  fail "fewer than 11 modules compared with hXDP"
[ "$(jq '[.runs[] | select(.error != null or .packets_match != true)] | length' "$out/scale.json")" = 0 ] ||
  fail "multi-core results differ from the interpreter: $(jq -c '[.runs[] | select(.packets_match != true)]' "$out/scale.json")"
[ "$(jq '[.runs[] | select(.order_independent and .maps_match != true)] | length' "$out/scale.json")" = 0 ] ||
  fail "maps differ for order-independent modules: $(jq -c '[.runs[] | select(.order_independent and .maps_match != true) | {module, cores, maps_difference}]' "$out/scale.json")"
[ "$(jq '[.runs[].cores] | unique' -c "$out/scale.json")" = "[1,2,4,8]" ] || fail "scaling runs do not cover 1, 2, 4, 8 cores"
echo "bench smoke: ok"
