// SPDX-License-Identifier: MIT
// bpfnic_if_stage: fetch stage: program counter, instruction memory and the fetch/decode register.

/**
 * Fetches one bundle per cycle, predicting the fall-through path. The address of the next fetch
 * is chosen combinationally (packet start, redirect from execute, or pc + 1), so a taken branch
 * costs exactly one bubble (the bundle in decode). While decode stalls, the memory output holds.
 * The bundle in decode carries its pc; pcs at or beyond prog_len_i are flagged out of range.
 */
`include "bpfnic_assert.svh"

module bpfnic_if_stage #(
  parameter int unsigned LANES = 1,
  parameter int unsigned DEPTH = 4096
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Control
  input  logic                     start_i,       // begin a packet at entry_pc_i
  input  logic [31:0]              entry_pc_i,
  input  logic                     run_i,         // fetching allowed
  input  logic [31:0]              prog_len_i,    // bundles loaded
  input  logic                     stall_i,       // decode holds its bundle
  input  logic                     redirect_i,    // execute resolved a taken branch/call/return
  input  logic [31:0]              redirect_pc_i,
  input  logic                     flush_i,       // drop the bundle in decode, stop fetching
  // Instruction memory write port (control interface)
  input  logic                     imem_we_i,
  input  logic [$clog2(DEPTH)-1:0] imem_waddr_i,
  input  logic [2:0]               imem_wlane_i,
  input  logic [63:0]              imem_wdata_i,
  // To decode
  output logic                     id_valid_o,
  output logic [31:0]              id_pc_o,
  output logic                     id_pc_oob_o,
  output logic [LANES*64-1:0]      id_bundle_o,
  output logic [31:0]              id_imm_hi_o     // lane-0 imm of the next bundle (lddw)
);

  localparam int unsigned AW = $clog2(DEPTH);

  logic        id_valid_q, id_valid_d;
  logic [31:0] id_pc_q, id_pc_d;
  logic        re;
  logic [31:0] fetch_pc;

  always_comb begin
    id_valid_d = id_valid_q;
    id_pc_d    = id_pc_q;
    fetch_pc   = id_pc_q + 32'd1;
    re         = 1'b0;
    if (start_i) begin
      fetch_pc   = entry_pc_i;
      re         = 1'b1;
      id_valid_d = 1'b1;
      id_pc_d    = entry_pc_i;
    end else if (flush_i || !run_i) begin
      id_valid_d = 1'b0;
    end else if (redirect_i) begin
      fetch_pc   = redirect_pc_i;
      re         = 1'b1;
      id_valid_d = 1'b1;
      id_pc_d    = redirect_pc_i;
    end else if (!stall_i) begin
      re         = 1'b1;
      id_valid_d = 1'b1;
      id_pc_d    = fetch_pc;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      id_valid_q <= 1'b0;
      id_pc_q    <= 32'h0;
    end else begin
      id_valid_q <= id_valid_d;
      id_pc_q    <= id_pc_d;
    end
  end

  bpfnic_imem #(
    .LANES(LANES),
    .DEPTH(DEPTH)
  ) u_imem (
    .clk_i     (clk_i),
    .we_i      (imem_we_i),
    .waddr_i   (imem_waddr_i),
    .wlane_i   (imem_wlane_i),
    .wdata_i   (imem_wdata_i),
    .re_i      (re),
    .raddr_i   (fetch_pc[AW-1:0]),
    .rdata_a_o (id_bundle_o),
    .rimm_b_o  (id_imm_hi_o)
  );

  assign id_valid_o  = id_valid_q;
  assign id_pc_o     = id_pc_q;
  assign id_pc_oob_o = id_pc_q >= prog_len_i;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_KNOWN(BpfnicIfValidKnown, id_valid_o, clk_i, !rst_ni)
  `ASSERT(BpfnicIfNoWriteWhileRunning, !(imem_we_i && run_i), clk_i, !rst_ni)

endmodule
