// SPDX-License-Identifier: MIT
// bpfnic_regfile: the eBPF register file (r0..r10) with hardware call frames for r6..r9.

/**
 * Flip-flop register file with one write port per lane and every register of the current frame
 * visible at once (the execute stage forwards on top). The callee-saved registers r6..r9 are
 * windowed: a bpf-to-bpf call copies the caller's window into the next one (so the callee sees
 * the caller's values, as on Linux) and a return simply selects the caller's window again,
 * which restores them. r10 is not stored: it is the top of the current 512-byte frame (frames grow downwards
 * from the end of the stack memory).
 */
`include "bpfnic_assert.svh"

module bpfnic_regfile #(
  parameter int unsigned LANES = 1
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // Packet start: all registers zero, r1 and r2 from the arguments.
  input  logic                  init_i,
  input  logic [63:0]           init_r1_i,
  input  logic [63:0]           init_r2_i,
  // Frame control
  input  logic [2:0]            depth_i,     // current frame
  input  logic                  call_i,      // copy window depth_i to depth_i + 1
  // Write ports, one per lane (a higher lane wins on equal addresses)
  input  logic [LANES-1:0]      we_i,
  input  logic [LANES*4-1:0]    waddr_i,
  input  logic [LANES*64-1:0]   wdata_i,
  // All registers of the current frame: r0 at [63:0] ... r10 at [703:640]
  output logic [11*64-1:0]      regs_o
);

  localparam int unsigned FRAMES = bpfnic_pkg::MAX_FRAMES;

  logic [63:0] low_q [6];             // r0..r5
  logic [63:0] low_d [6];
  logic [63:0] win_q [FRAMES*4];      // r6..r9 of each frame: index frame*4 + (reg-6)
  logic [63:0] win_d [FRAMES*4];
  logic [63:0] cur_win [4];           // current window after this cycle's writes

  always_comb begin
    for (int i = 0; i < 6; i++) low_d[i] = low_q[i];
    for (int i = 0; i < FRAMES * 4; i++) win_d[i] = win_q[i];
    for (int l = 0; l < (LANES); l++) begin
      if (we_i[l]) begin
        if (waddr_i[l*4 +: 4] < 4'd6) begin
          low_d[waddr_i[l*4 +: 3]] = wdata_i[l*64 +: 64];
        end else if (waddr_i[l*4 +: 4] < 4'd10) begin
          win_d[{depth_i, 2'b00} + 5'(waddr_i[l*4 +: 4] - 4'd6)] = wdata_i[l*64 +: 64];
        end
      end
    end
    for (int i = 0; i < 4; i++) cur_win[i] = win_d[{depth_i, 2'b00} + 5'(i)];
    if (call_i && depth_i != 3'(FRAMES - 1)) begin
      for (int i = 0; i < 4; i++) win_d[{depth_i + 3'd1, 2'b00} + 5'(i)] = cur_win[i];
    end
    if (init_i) begin
      for (int i = 0; i < 6; i++) low_d[i] = 64'h0;
      for (int i = 0; i < FRAMES * 4; i++) win_d[i] = 64'h0;
      low_d[1] = init_r1_i;
      low_d[2] = init_r2_i;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < 6; i++) low_q[i] <= 64'h0;
      for (int i = 0; i < FRAMES * 4; i++) win_q[i] <= 64'h0;
    end else begin
      for (int i = 0; i < 6; i++) low_q[i] <= low_d[i];
      for (int i = 0; i < FRAMES * 4; i++) win_q[i] <= win_d[i];
    end
  end

  always_comb begin
    for (int i = 0; i < 6; i++) regs_o[i*64 +: 64] = low_q[i];
    for (int i = 0; i < 4; i++) regs_o[(6+i)*64 +: 64] = win_q[{depth_i, 2'b00} + 5'(i)];
    // Frames grow downwards: frame k's r10 is the stack end minus k * 512.
    regs_o[10*64 +: 64] = bpfnic_pkg::STACK_BASE + {51'h0, 4'd8 - {1'b0, depth_i}, 9'h0};
  end

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicRegfileLanes, LANES >= 1 && LANES <= 8)
  // r10 is read-only: no lane ever writes it (the decoder traps such instructions).
  for (genvar l = 0; l < (LANES); l++) begin : g_r10_ro
    `ASSERT(BpfnicRegfileNoR10Write, !(we_i[l] && waddr_i[l*4 +: 4] >= 4'd10), clk_i, !rst_ni)
  end
  `ASSERT(BpfnicRegfileCallDepth, !(call_i && depth_i == 3'(FRAMES - 1)), clk_i, !rst_ni)

endmodule
