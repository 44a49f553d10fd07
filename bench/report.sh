#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The combined benchmark report: reads the JSON that scripts/bench.sh wrote into DIR and writes
# DIR/report.md (Markdown tables, with the date, the machine and the commit) and the charts
# DIR/bundles.svg, DIR/cycles.svg, DIR/hxdp.svg, DIR/scaling.svg (gnuplot). A benchmark whose JSON
# is missing leaves its section out. Usage: bench/report.sh DIR [MODE]
set -euo pipefail
dir="$1"
mode="${2:-full}"
here="$(cd "$(dirname "$0")" && pwd)"
md="$dir/report.md"
have() { [ -s "$dir/$1.json" ]; }
f2() { printf '%s' "$1"; }

cpu="$(grep -m1 'model name' /proc/cpuinfo 2> /dev/null | sed 's/.*: //' || true)"
commit="$(git -C "$here/.." rev-parse --short HEAD 2> /dev/null || echo unknown)"
{
  echo "# bpfnic benchmark report"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $mode run; machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)."
  echo "Every benchmark ran pinned to one CPU where taskset exists. Definitions: [docs/benchmarks.md](../docs/benchmarks.md)."
} > "$md"

# --- Compiler --------------------------------------------------------------------------------
if have compile; then
  {
    echo
    echo "## Compiler: bundles per module (1, 2, 4, 8 lanes) and static IPC, next to hXDP's 4-lane schedules"
    echo
    cat "$dir/compile.md"
  } >> "$md"
  jq -r '.modules[] | select(.offloadable and .hxdp_bundles_4_lanes != null) |
         [.module, .lanes["1"].bundles, .lanes["2"].bundles, .lanes["4"].bundles, .lanes["8"].bundles,
          .hxdp_bundles_4_lanes] | @tsv' "$dir/compile.json" > "$dir/bundles.tsv"
  gnuplot << GP
set terminal svg size 900,480 dynamic background rgb 'white' noenhanced
set output '$dir/bundles.svg'
set title 'Bundles per IO module (bpfnic compiler, 1-8 lanes) and hXDP (4 lanes)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'bundles'
set xtics rotate by -30
set key top left
set grid ytics
plot '$dir/bundles.tsv' using 2:xtic(1) title '1 lane', '' using 3 title '2 lanes', \
     '' using 4 title '4 lanes', '' using 5 title '8 lanes', '' using 6 title 'hXDP, 4 lanes'
GP
  echo >> "$md"
  echo "![bundles](bundles.svg)" >> "$md"
fi

# --- RTL: cycles per packet ------------------------------------------------------------------
if have rtl; then
  {
    echo
    echo "## RTL over generated traffic: cycles per packet, stalls, Mpps per core, latency"
    echo
    echo "$(jq -r '.packets' "$dir/rtl.json") packets per module (after one warm-up packet), compiled for the core's lanes."
    echo "Cycles: the core's run state. Stalls per packet by cause: load-use (lu), divide (div), helper"
    echo "call (hlp), map unit (map), atomic (atom), branch flush (br); scrub: stack rows zeroed before"
    echo "the packet. Mpps: one core, clock / mean cycles. Latency: first byte in to last byte out on"
    echo "the control port (frame in, scrub, run, frame out), in cycles."
    echo
    echo "| module | lanes | insns | bundles | insns/pkt | cycles mean | p50 | p99 | IPC | lu | div | hlp | map | atom | br | scrub | Mpps 156.25 | Mpps 250 | latency mean | p99 | verdicts |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    jq -r '.modules[] | select(.error == null) |
      "| \(.module) | \(.lanes) | \(.source_insns) | \(.bundles) | \(.insns_per_packet * 10 | round / 10) | \(.cycles_per_packet.mean * 10 | round / 10) | \(.cycles_per_packet.p50) | \(.cycles_per_packet.p99) | \(.ipc * 100 | round / 100) | " +
      ([.stalls_per_packet | .load_use, .divide, .helper, .map_unit, .atomic, .branch_flush, .stack_scrub] | map(. * 10 | round / 10 | tostring) | join(" | ")) +
      " | \(.mpps_at_mhz["156.25"] * 100 | round / 100) | \(.mpps_at_mhz["250"] * 100 | round / 100) | \(.latency_cycles.mean * 10 | round / 10) | \(.latency_cycles.p99) | " +
      (.verdicts | to_entries | map("\(.key) \(.value)") | join(", ")) + " |"' "$dir/rtl.json"
    jq -r '.modules[] | select(.error != null) | "\n- \(.module) (\(.lanes) lanes): \(.error)"' "$dir/rtl.json"
  } >> "$md"
  top_lanes="$(jq '[.modules[].lanes] | max' "$dir/rtl.json")"
  jq -r --argjson l "$top_lanes" '.modules[] | select(.error == null and .lanes == $l) |
         [.module, .cycles_per_packet.mean, .cycles_per_packet.p99] | @tsv' "$dir/rtl.json" > "$dir/cycles.tsv"
  gnuplot << GP
set terminal svg size 900,480 dynamic background rgb 'white' noenhanced
set output '$dir/cycles.svg'
set title 'Cycles per packet on the RTL ($top_lanes lanes, generated traffic): mean and p99'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'cycles per packet'
set xtics rotate by -30
set key top left
set grid ytics
plot '$dir/cycles.tsv' using 2:xtic(1) title 'mean', '' using 3 title 'p99'
GP
  {
    echo
    echo "![cycles per packet](cycles.svg)"
    echo
    echo "## Side by side with hXDP (one core, 156.25 MHz)"
    echo
    echo "hXDP's figures: $(jq -r '.hxdp_source' "$dir/rtl.json") (bench/hxdp_reference.json)."
    echo "bpfnic: $top_lanes lanes, one core, clock / measured mean cycles per packet. Ratio > 1: bpfnic is faster."
    echo
    echo "| module | bpfnic cycles/pkt | bpfnic Mpps | hXDP Mpps | ratio |"
    echo "|---|---|---|---|---|"
    jq -r --argjson l "$top_lanes" '.modules[] | select(.error == null and .lanes == $l and .hxdp_mpps_156 != null) |
      "| \(.module) | \(.cycles_per_packet.mean * 10 | round / 10) | \(.mpps_at_mhz["156.25"] * 100 | round / 100) | \(.hxdp_mpps_156) | \(.ratio_vs_hxdp * 100 | round / 100) |"' "$dir/rtl.json"
  } >> "$md"
  jq -r --argjson l "$top_lanes" '.modules[] | select(.error == null and .lanes == $l and .hxdp_mpps_156 != null) |
         [.module, .mpps_at_mhz["156.25"], .hxdp_mpps_156] | @tsv' "$dir/rtl.json" > "$dir/hxdp.tsv"
  gnuplot << GP
set terminal svg size 900,480 dynamic background rgb 'white' noenhanced
set output '$dir/hxdp.svg'
set title 'Mpps of one core at 156.25 MHz: bpfnic ($top_lanes lanes, measured) and hXDP (published)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'Mpps'
set logscale y
set xtics rotate by -30
set key top right
set grid ytics
plot '$dir/hxdp.tsv' using 2:xtic(1) title 'bpfnic', '' using 3 title 'hXDP'
GP
  echo >> "$md"
  echo "![Mpps against hXDP](hxdp.svg)" >> "$md"
fi

# --- Scaling ---------------------------------------------------------------------------------
if have scale; then
  {
    echo
    echo "## Scaling: cores sharing one map memory"
    echo
    echo "$(jq -r '.packets' "$dir/scale.json") packets per run, $(jq -r '.lanes' "$dir/scale.json") lanes per core. Throughput over the whole run"
    echo "(first dispatch to last end); grant waits: cycles cores stalled for the map/helper arbiter;"
    echo "match: verdicts and frames of every packet, and final maps, against the interpreter."
    echo
    echo "| module | cores | grants/cycle | dispatch | pkts/cycle | Mpps 156.25 | Mpps 250 | speed-up | grant waits/pkt | wait share | utilisation | packets match | maps match |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    jq -r '.runs[] | select(.error == null) |
      "| \(.module) | \(.cores) | \(.grants_per_cycle) | \(.dispatch) | \(.packets_per_cycle * 10000 | round / 10000) | \(.mpps_at_mhz["156.25"] * 100 | round / 100) | \(.mpps_at_mhz["250"] * 100 | round / 100) | \(.speedup * 100 | round / 100) | \(.grant_wait_cycles_per_packet * 100 | round / 100) | \(.grant_wait_share * 1000 | round / 10)% | \(.core_utilisation * 1000 | round / 10)% | \(if .packets_match then "yes" else "no" end) | \(if .maps_match then "yes" elif .order_independent then "NO" else "no (order-dependent)" end) |"' "$dir/scale.json"
    jq -r '.runs[] | select(.error != null) | "\n- \(.module), \(.cores) cores: \(.error)"' "$dir/scale.json"
    jq -r '[.runs[] | select(.maps_match == false)] | group_by(.module)[] | .[0] |
      "\n- \(.module): \(.maps_difference)"' "$dir/scale.json"
  } >> "$md"
  jq -r '[.runs[] | select(.error == null and .grants_per_cycle == 1 and .dispatch == "round-robin")] as $r |
         ($r | map(.module) | unique) as $m |
         (["cores"] + $m | @tsv),
         ($r | map(.cores) | unique[] as $c | [$c] + ($m | map(. as $x | ($r[] | select(.module == $x and .cores == $c) | .mpps_at_mhz["156.25"]))) | @tsv)' \
    "$dir/scale.json" > "$dir/scaling.tsv"
  ncols="$(head -1 "$dir/scaling.tsv" | awk -F'\t' '{print NF}')"
  gnuplot << GP
set terminal svg size 900,480 dynamic background rgb 'white' noenhanced
set output '$dir/scaling.svg'
set title 'Throughput against cores (one grant per cycle, round-robin dispatch), Mpps at 156.25 MHz'
set xlabel 'cores'
set ylabel 'Mpps'
set logscale x 2
set logscale y
set xrange [0.9:9]
set xtics (1, 2, 4, 8)
set key top left
set grid
plot for [i=2:$ncols] '$dir/scaling.tsv' using 1:i with linespoints title columnheader(i)
GP
  echo >> "$md"
  echo "![scaling](scaling.svg)" >> "$md"
fi

# --- Software path ---------------------------------------------------------------------------
if have jit; then
  {
    echo
    echo "## Software path: ns per packet (interpreter, JIT, native C++ of the same logic) and JIT compile time"
    echo
    echo "| module | insns | interpreter ns | JIT ns | native ns | JIT / native | interpreter / JIT | JIT compile us |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -r '.modules[] | "| \(.name) | \(.insns) | \(.interp_ns * 10 | round / 10) | \(.jit_ns * 100 | round / 100) | \(if .native_ns then (.native_ns * 100 | round / 100) else "-" end) | \(if .jit_over_native then (.jit_over_native * 100 | round / 100) else "-" end) | \(.interp_over_jit * 10 | round / 10) | \(.jit_compile_us * 10 | round / 10) |"' "$dir/jit.json"
  } >> "$md"
fi
if have verifier; then
  {
    echo
    echo "## Verifier time per program"
    echo
    echo "| object | program | insns | processed | accepted | median ms |"
    echo "|---|---|---|---|---|---|"
    jq -r '.programs[] | "| \(.object) | \(.program) | \(.insns) | \(.insns_processed // "-") | \(.accepted) | \(.median_ms // "-") |"' "$dir/verifier.json"
  } >> "$md"
fi

# --- Simulation speed ------------------------------------------------------------------------
if have core || have sim; then
  {
    echo
    echo "## Simulation speed"
    echo
  } >> "$md"
  if have core; then
    {
      echo "Core alone (Verilated), register loop: $(jq -r '[.loop[] | "\(.lanes) lane(s) \(.mcycles_per_s_cpu * 100 | round / 100) M cycles/s"] | join(", ")' "$dir/core.json") (per CPU second)."
      echo
      echo "| module | lanes | cycles/pkt | sim cycles/pkt | packets/s | M cycles/s |"
      echo "|---|---|---|---|---|---|"
      jq -r '.programs[] | select(.error == null) | "| \(.name) | \(.lanes) | \(.cycles_per_packet * 10 | round / 10) | \(.sim_cycles_per_packet * 10 | round / 10) | \(.packets_per_s_cpu | round) | \(.mcycles_per_s_cpu * 100 | round / 100) |"' "$dir/core.json"
    } >> "$md"
  fi
  if have sim; then
    {
      echo
      echo "Full NIC model (SystemC/TLM around the core) against the core alone, $(jq -r '.lanes' "$dir/sim.json") lanes. Wire-to-wire"
      echo "latency through the full model: first bit in to last bit out of the frames a program sends"
      echo "back (XDP_TX), one frame at a time into an idle card, in core cycles (both serialisations at"
      echo "the port rate included)."
      echo
      echo "| module | core alone cycles/s | full NIC cycles/s | cost ratio | frames out | wire latency mean | p99 |"
      echo "|---|---|---|---|---|---|---|"
      jq -r '.programs[] | "| \(.name) | \(.core.cycles_per_second | round) | \(.nic.cycles_per_second | round) | \(.cost_ratio * 100 | round / 100) | \(.wire_latency.frames_out // "-")/\(.wire_latency.frames_in // "-") | \(if .wire_latency.cycles then (.wire_latency.cycles.mean * 10 | round / 10) else "-" end) | \(if .wire_latency.cycles then (.wire_latency.cycles.p99 * 10 | round / 10) else "-" end) |"' "$dir/sim.json"
      jq -r '"| all | \(.core.cycles_per_second | round) | \(.nic.cycles_per_second | round) | \(.cost_ratio * 100 | round / 100) | | | |"' "$dir/sim.json"
    } >> "$md"
  fi
fi
echo "report: $md" >&2
