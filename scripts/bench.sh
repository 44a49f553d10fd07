#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark of a build in one go and writes, into OUTDIR (default bench-results/):
#   compile.json verifier.json jit.json core.json sim.json rtl.json scale.json   each benchmark's JSON
#   report.md     one report: compiler schedules, cycles per packet on the RTL (mean, p99, stalls
#                 by cause, Mpps at 156.25/250 MHz, latency), side by side with hXDP, scaling over
#                 1-8 cores, software path (interpreter, JIT, native), verifier, simulation speed
#   compile.md    bundles per module and lane count, next to hXDP
#   bundles.svg cycles.svg hxdp.svg scaling.svg   charts (gnuplot)
# Usage: scripts/bench.sh [--quick] [BUILD_DIR] [OUTDIR]. --quick runs every benchmark on fewer
# packets and rounds (about a minute; for a smoke check, not for figures). Benchmarks run one
# after another, pinned to one CPU with taskset where available; none of them is a test (nothing
# asserts a timing).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi
build="${1:-build}"
out="${2:-bench-results}"
mkdir -p "$out"
pin=()
command -v taskset > /dev/null && pin=(taskset -c 0)

run() {
  local name="$1"
  shift
  if [ -x "$build/bench/$1" ]; then
    echo "bench: $name" >&2
    "${pin[@]}" "$build/bench/$@" > "$out/$name.json"
  else
    echo "bench: $name skipped ($build/bench/$1 not built)" >&2
    rm -f "$out/$name.json"
  fi
}

if [ "$quick" = 1 ]; then
  rtl_packets=100; scale_packets=96; core_packets=100; loop_iters=20000; sim_packets=100; jit_rounds=20
else
  rtl_packets=5000; scale_packets=2000; core_packets=2000; loop_iters=500000; sim_packets=2000; jit_rounds=400
fi

run compile bpfnic_compile_bench
"$build/bench/bpfnic_compile_bench" --markdown > "$out/compile.md"
run verifier bpfnic_verifier_bench
run jit bpfnic_jit_bench --rounds "$jit_rounds"
run core bpfnic_core_bench --packets "$core_packets" --loop-iters "$loop_iters"
run sim bpfnic_sim_bench "$sim_packets"
run rtl bpfnic_rtl_traffic_bench --packets "$rtl_packets"
run scale bpfnic_scale_bench --packets "$scale_packets"

mode=full
[ "$quick" = 1 ] && mode=quick
bench/report.sh "$out" "$mode"
echo "bench: results in $out/ (report.md, charts as SVG and one JSON per benchmark)" >&2
