#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every benchmark of a build in one go and writes, into OUTDIR (default bench-results/):
#   compile.json verifier.json jit.json core.json sim.json   each benchmark's JSON
#   compile.md                                               bundles per module and lane count, next to hXDP
#   bundles.svg                                              the same as a chart (gnuplot)
# Usage: scripts/bench.sh [BUILD_DIR] [OUTDIR]. Benchmarks run one after another, pinned to one CPU
# with taskset where available; none of them is a test (nothing asserts a timing).
set -euo pipefail
cd "$(dirname "$0")/.."
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
  fi
}

run compile bpfnic_compile_bench
"$build/bench/bpfnic_compile_bench" --markdown > "$out/compile.md"
run verifier bpfnic_verifier_bench
run jit bpfnic_jit_bench
run core bpfnic_core_bench
run sim bpfnic_sim_bench

# Bundles per module at 1, 2, 4 and 8 lanes, with hXDP's 4-lane schedules.
jq -r '.modules[] | select(.offloadable and .hxdp_bundles_4_lanes != null) |
       [.module, .lanes["1"].bundles, .lanes["2"].bundles, .lanes["4"].bundles, .lanes["8"].bundles,
        .hxdp_bundles_4_lanes] | @tsv' "$out/compile.json" > "$out/bundles.tsv"
gnuplot <<GP
set terminal svg size 900,480 dynamic background rgb 'white' noenhanced
set output '$out/bundles.svg'
set title 'Bundles per IO module (bpfnic compiler, 1-8 lanes) and hXDP (4 lanes)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'bundles'
set xtics rotate by -30
set key top left
set grid ytics
plot '$out/bundles.tsv' using 2:xtic(1) title '1 lane', '' using 3 title '2 lanes', \
     '' using 4 title '4 lanes', '' using 5 title '8 lanes', '' using 6 title 'hXDP, 4 lanes'
GP
echo "bench: results in $out/ (compile.md, bundles.svg and one JSON per benchmark)" >&2
