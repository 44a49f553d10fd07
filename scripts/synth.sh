#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Yosys synthesis of the bpfnic RTL for Xilinx 7-series (synth_xilinx -family xc7).
#
#   scripts/synth.sh [LANES] [OUTDIR]     one run per unit (each unit as its own top), printing
#                                         LUT / LUTRAM / FF / CARRY4 / DSP / BRAM use per unit, then
#                                         the whole core
#   scripts/synth.sh totals [OUTDIR]      the whole core for LANES = 1 and 4, with run times, beside
#                                         hXDP's published figures (Virtex-7)
#
# Uses the Debian yosys unless YOSYS names another binary. Units that the Yosys at hand cannot
# parse are reported with its error (see docs/hardware.md, "Synthesis"). Counts of a unit with
# submodules are Yosys's design-hierarchy totals (every instance counted once). BRAM is in 36 Kb
# tiles (RAMB36E1 = 1, RAMB18E1 = 1/2), as hXDP reports it.
# Environment: YOSYS (binary), SYNTH_TIMEOUT (seconds per run, 900; totals: 7200), SYNTH_UNITS
# (subset of units).
set -u
MODE=units
if [ "${1:-}" = totals ]; then
  MODE=totals
  shift
  LANES=4
  OUT=${1:-synth-out}
  TIMEOUT=${SYNTH_TIMEOUT:-7200}
else
  LANES=${1:-4}
  OUT=${2:-synth-out}
  TIMEOUT=${SYNTH_TIMEOUT:-900}
fi
YOSYS=${YOSYS:-yosys}
RTL=$(cd "$(dirname "$0")/../rtl" && pwd)
mkdir -p "$OUT"

# Unit top -> files it needs (after bpfnic_pkg.sv).
declare -A DEPS=(
  [bpfnic_alu]="bpfnic_alu.sv"
  [bpfnic_divider]="bpfnic_divider.sv"
  [bpfnic_regfile]="bpfnic_regfile.sv"
  [bpfnic_bytemem]="bpfnic_bytemem.sv"
  [bpfnic_imem]="bpfnic_imem.sv"
  [bpfnic_decoder]="bpfnic_decoder.sv"
  [bpfnic_if_stage]="bpfnic_imem.sv bpfnic_if_stage.sv"
  [bpfnic_id_stage]="bpfnic_decoder.sv bpfnic_fwd_read.sv bpfnic_operand.sv bpfnic_id_stage.sv"
  [bpfnic_ex_stage]="bpfnic_alu.sv bpfnic_ex_lane.sv bpfnic_divider.sv bpfnic_ex_stage.sv"
  [bpfnic_wb_stage]="bpfnic_wb_stage.sv"
  [bpfnic_core]="bpfnic_alu.sv bpfnic_ex_lane.sv bpfnic_divider.sv bpfnic_regfile.sv bpfnic_bytemem.sv bpfnic_imem.sv bpfnic_decoder.sv bpfnic_fwd_read.sv bpfnic_operand.sv bpfnic_if_stage.sv bpfnic_id_stage.sv bpfnic_ex_stage.sv bpfnic_wb_stage.sv bpfnic_core.sv"
)
UNITS=${SYNTH_UNITS:-"bpfnic_alu bpfnic_divider bpfnic_regfile bpfnic_bytemem bpfnic_imem bpfnic_decoder bpfnic_if_stage bpfnic_id_stage bpfnic_ex_stage bpfnic_wb_stage bpfnic_core"}
# Units with a LANES parameter.
declare -A LANED=(
  [bpfnic_regfile]=1 [bpfnic_imem]=1 [bpfnic_if_stage]=1 [bpfnic_id_stage]=1 [bpfnic_ex_stage]=1
  [bpfnic_wb_stage]=1 [bpfnic_core]=1
)

# Sum of the cells whose type matches a regex in a Yosys `stat` report: the design-hierarchy
# totals when the top has submodules (the per-module sections before them list each module once,
# whatever its instance count), else the only module's counts.
cells() {
  awk -v re="$2" '/=== design hierarchy ===/ { s = 0; next } $1 ~ re { s += $2 } END { print s + 0 }' "$1"
}
bram_tiles() {
  awk '/=== design hierarchy ===/ { a = 0; b = 0; next } $1 == "RAMB36E1" { a += $2 } $1 == "RAMB18E1" { b += $2 }
       END { printf "%g", a + b / 2 }' "$1"
}

# synth TOP LANES TAG: runs Yosys; sets RC, SECS, STAT, WHY.
synth() {
  local top=$1 lanes=$2 tag=$3 files="$RTL/bpfnic_pkg.sv" f params=""
  for f in ${DEPS[$top]}; do files="$files $RTL/$f"; done
  [ -n "${LANED[$top]:-}" ] && params="-set LANES $lanes"
  local log="$OUT/$tag.log"
  STAT="$OUT/$tag.stat"
  rm -f "$STAT"
  local t0=$(date +%s)
  timeout "$TIMEOUT" "$YOSYS" -q -l "$log" -p "read_verilog -sv -DSYNTHESIS -I$RTL $files; \
      chparam $params $top; synth_xilinx -family xc7 -top $top; tee -q -o $STAT stat" >/dev/null 2>&1
  RC=$?
  SECS=$(( $(date +%s) - t0 ))
  WHY=""
  if [ $RC -ne 0 ] || [ ! -s "$STAT" ]; then
    WHY=$(grep -m1 -E 'ERROR' "$log" 2>/dev/null | cut -c1-110)
    [ $RC -eq 124 ] && WHY="timeout after ${TIMEOUT}s"
    WHY="FAILED: ${WHY:-yosys exit $RC}"
    RC=1
  fi
}

LUT_RE='^LUT[1-6]$'
LUTRAM_RE='^RAM(32|64|128|256)(M|X1[SD])$'
FF_RE='^FD[A-Z]*$'

echo "Yosys: $($YOSYS -V)   target: synth_xilinx -family xc7"
if [ "$MODE" = totals ]; then
  printf '%-34s %8s %7s %8s %6s %11s %8s\n' "whole core" LUT LUTRAM FF DSP "BRAM tiles" time
  for lanes in 1 4; do
    synth bpfnic_core "$lanes" "bpfnic_core_l$lanes"
    if [ $RC -ne 0 ]; then
      printf '%-34s %s\n' "bpfnic_core LANES=$lanes" "$WHY"
      continue
    fi
    printf '%-34s %8s %7s %8s %6s %11s %7ss\n' "bpfnic_core LANES=$lanes" "$(cells "$STAT" "$LUT_RE")" \
      "$(cells "$STAT" "$LUTRAM_RE")" "$(cells "$STAT" "$FF_RE")" "$(cells "$STAT" '^DSP48E1$')" \
      "$(bram_tiles "$STAT")" "$SECS"
  done
  printf '%-34s %8s %7s %8s %6s %11s %8s\n' "hXDP (Virtex-7, published)" 42000 - 18000 - 50 -
  exit 0
fi

echo "LANES=$LANES"
printf '%-18s %8s %7s %8s %8s %6s %6s %6s  %s\n' unit LUT LUTRAM FF CARRY4 DSP BRAM time status
for top in $UNITS; do
  synth "$top" "$LANES" "$top"
  if [ $RC -ne 0 ]; then
    printf '%-18s %8s %7s %8s %8s %6s %6s %6s  %s\n' "$top" - - - - - - "${SECS}s" "$WHY"
    continue
  fi
  printf '%-18s %8s %7s %8s %8s %6s %6s %6s  %s\n' "$top" "$(cells "$STAT" "$LUT_RE")" "$(cells "$STAT" "$LUTRAM_RE")" \
    "$(cells "$STAT" "$FF_RE")" "$(cells "$STAT" '^CARRY4$')" "$(cells "$STAT" '^DSP48E1$')" "$(bram_tiles "$STAT")" \
    "${SECS}s" ok
done
