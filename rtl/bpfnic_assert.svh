// SPDX-License-Identifier: MIT
// bpfnic_assert.svh: assertion macros in the style of lowRISC prim_assert.sv. They expand to
// concurrent or immediate SystemVerilog assertions that run under Verilator --assert, and to
// nothing when SYNTHESIS is defined (Yosys synthesis, scripts/synth.sh).
`ifndef BPFNIC_ASSERT_SVH
`define BPFNIC_ASSERT_SVH

`ifndef SYNTHESIS
// Concurrent property checked on every rising clock edge outside reset.
`define ASSERT(name, prop, clk, rst) \
  name: assert property (@(posedge clk) disable iff (rst) (prop)) \
    else $error("assertion %s failed", `"name`");
// Immediate property of combinational logic, checked whenever its inputs change.
`define ASSERT_COMB(name, prop) \
  always_comb begin : name \
    if (!(prop)) $error("assertion %s failed", `"name`"); \
  end
// Elaboration-time parameter legality.
`define ASSERT_INIT(name, prop) \
  initial begin : name \
    if (!(prop)) $fatal(1, "parameter check %s failed", `"name`"); \
  end
// No X or Z on a signal outside reset (meaningful in four-state simulators; Verilator is two-state).
`define ASSERT_KNOWN(name, sig, clk, rst) \
  `ASSERT(name, !$isunknown(sig), clk, rst)
`else
`define ASSERT(name, prop, clk, rst)
`define ASSERT_COMB(name, prop)
`define ASSERT_INIT(name, prop)
`define ASSERT_KNOWN(name, sig, clk, rst)
`endif

`endif
