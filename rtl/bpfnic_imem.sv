// SPDX-License-Identifier: MIT
// bpfnic_imem: instruction memory of bundles (LANES x 64-bit slots), written through the control port.

/**
 * Synchronous RAM of DEPTH bundles with a write port (one 64-bit slot per write, from the control
 * interface) and two read ports: port A fetches the bundle at the fetch address, port B the next
 * bundle, whose lane-0 immediate is the upper half of an lddw in lane 0. Both read ports hold
 * their output while re_i is low (the fetch stage stalls).
 */
`include "bpfnic_assert.svh"

module bpfnic_imem #(
  parameter int unsigned LANES = 1,
  parameter int unsigned DEPTH = 4096
) (
  input  logic                     clk_i,
  // Control write port
  input  logic                     we_i,
  input  logic [$clog2(DEPTH)-1:0] waddr_i,    // bundle
  input  logic [2:0]               wlane_i,
  input  logic [63:0]              wdata_i,
  // Fetch ports
  input  logic                     re_i,
  input  logic [$clog2(DEPTH)-1:0] raddr_i,
  output logic [LANES*64-1:0]      rdata_a_o,  // bundle raddr_i
  output logic [31:0]              rimm_b_o    // lane-0 imm of bundle raddr_i + 1
);

  localparam int unsigned AW = $clog2(DEPTH);

  logic [AW-1:0] raddr_b;
  assign raddr_b = raddr_i + AW'(1);

  for (genvar l = 0; l < (LANES); l++) begin : g_lane
    logic [63:0] mem [DEPTH];
    logic [63:0] rdata_q;
    always_ff @(posedge clk_i) begin
      if (we_i && wlane_i == 3'(l)) mem[waddr_i] <= wdata_i;
      if (re_i) rdata_q <= mem[raddr_i];
    end
    assign rdata_a_o[l*64 +: 64] = rdata_q;
  end

  // A second copy of lane 0's immediates serves port B (a 32-bit wide RAM).
  logic [31:0] imm_mem [DEPTH];
  logic [31:0] rimm_q;
  always_ff @(posedge clk_i) begin
    if (we_i && wlane_i == 3'd0) imm_mem[waddr_i] <= wdata_i[63:32];
    if (re_i) rimm_q <= imm_mem[raddr_b];
  end
  assign rimm_b_o = rimm_q;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicImemLanes, LANES >= 1 && LANES <= 8)
  `ASSERT_INIT(BpfnicImemDepth, DEPTH >= 2 && (DEPTH & (DEPTH - 1)) == 0)

endmodule
