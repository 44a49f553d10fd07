#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Yosys synthesis of the bpfnic RTL for Xilinx 7-series (synth_xilinx -family xc7): one run per
# unit (each unit as its own top), printing LUT / FF / CARRY / DSP / BRAM use per unit, then the
# whole core. Uses the Debian yosys unless YOSYS names another binary. Units that the Yosys at
# hand cannot parse are reported with its error (see docs/hardware.md, "Synthesis").
#
# Usage: scripts/synth.sh [LANES] [OUTDIR]      (defaults: 4, ./synth-out)
# Environment: YOSYS (binary), SYNTH_TIMEOUT (seconds per unit, 900), SYNTH_UNITS (subset of units).
set -u
LANES=${1:-4}
OUT=${2:-synth-out}
YOSYS=${YOSYS:-yosys}
TIMEOUT=${SYNTH_TIMEOUT:-900}
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
# Parameters per unit (the lane count where it has one).
declare -A PARAMS=(
  [bpfnic_regfile]="-set LANES $LANES" [bpfnic_imem]="-set LANES $LANES" [bpfnic_if_stage]="-set LANES $LANES"
  [bpfnic_id_stage]="-set LANES $LANES" [bpfnic_ex_stage]="-set LANES $LANES" [bpfnic_wb_stage]="-set LANES $LANES"
  [bpfnic_core]="-set LANES $LANES"
)

echo "Yosys: $($YOSYS -V)   target: synth_xilinx -family xc7   LANES=$LANES"
printf '%-18s %8s %8s %8s %6s %8s  %s\n' unit LUT FF CARRY4 DSP BRAM status
for top in $UNITS; do
  files="$RTL/bpfnic_pkg.sv"
  for f in ${DEPS[$top]}; do files="$files $RTL/$f"; done
  log="$OUT/$top.log"
  stat="$OUT/$top.stat"
  rm -f "$stat"
  timeout "$TIMEOUT" "$YOSYS" -q -l "$log" -p "read_verilog -sv -DSYNTHESIS -I$RTL $files; \
      chparam ${PARAMS[$top]:-} $top; synth_xilinx -family xc7 -top $top; tee -q -o $stat stat" >/dev/null 2>&1
  rc=$?
  if [ $rc -ne 0 ] || [ ! -s "$stat" ]; then
    why=$(grep -m1 -E 'ERROR' "$log" 2>/dev/null | cut -c1-110)
    [ $rc -eq 124 ] && why="timeout after ${TIMEOUT}s"
    printf '%-18s %8s %8s %8s %6s %8s  %s\n' "$top" - - - - - "FAILED: ${why:-yosys exit $rc}"
    continue
  fi
  lut=$(awk '/ LUT[1-6] /{s+=$2} END{print s+0}' "$stat")
  ff=$(awk '/ FD[A-Z]* /{s+=$2} END{print s+0}' "$stat")
  carry=$(awk '/ CARRY4 /{s+=$2} END{print s+0}' "$stat")
  dsp=$(awk '/ DSP48E1 /{s+=$2} END{print s+0}' "$stat")
  bram=$(awk '/ RAMB(18|36)E1 /{s+=$2} END{print s+0}' "$stat")
  printf '%-18s %8s %8s %8s %6s %8s  %s\n' "$top" "$lut" "$ff" "$carry" "$dsp" "$bram" ok
done
