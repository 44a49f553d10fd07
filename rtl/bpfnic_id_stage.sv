// SPDX-License-Identifier: MIT
// bpfnic_id_stage: decode and operand read with forwarding; owns the decode/execute register.

/**
 * Decodes every slot of the bundle, reads operands from the register file and forwards results
 * still in flight: from execute (youngest, a higher lane winning within a bundle) and from
 * writeback. A load in execute whose destination a slot here reads cannot be forwarded yet (its
 * data leaves the memory in writeback): decode then stalls one cycle (load-use hazard) and sends
 * a bubble. Lane 0 also reads r0..r5 for helper calls and cmpxchg. lddw takes its upper half from
 * the next bundle's lane-0 immediate.
 */
`include "bpfnic_assert.svh"

module bpfnic_id_stage #(
  parameter int unsigned LANES = 1
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  // From fetch
  input  logic                                  id_valid_i,
  input  logic [31:0]                           id_pc_i,
  input  logic                                  id_pc_oob_i,
  input  logic [LANES*64-1:0]                   id_bundle_i,
  input  logic [31:0]                           id_imm_hi_i,
  // Context registers (struct xdp_md) for context reads
  input  logic [8*bpfnic_pkg::CTX_BYTES-1:0]    ctx_i,
  // Register file (current frame)
  input  logic [11*64-1:0]                      regs_i,
  // Forwarding from execute (results available this cycle)
  input  logic [LANES-1:0]                      ex_fwd_we_i,
  input  logic [LANES*4-1:0]                    ex_fwd_reg_i,
  input  logic [LANES*64-1:0]                   ex_fwd_data_i,
  input  logic                                  ex_load_pending_i,   // lane-0 load in execute
  input  logic [3:0]                            ex_load_reg_i,
  // Forwarding from writeback
  input  logic [LANES-1:0]                      wb_fwd_we_i,
  input  logic [LANES*4-1:0]                    wb_fwd_reg_i,
  input  logic [LANES*64-1:0]                   wb_fwd_data_i,
  // Pipeline control
  input  logic                                  ex_stall_i,   // execute holds its bundle
  input  logic                                  flush_i,      // execute redirected or halted
  output logic                                  stall_o,      // load-use hazard
  // Decode/execute register
  output logic                                  ex_valid_o,
  output logic [31:0]                           ex_pc_o,
  output logic                                  ex_pc_oob_o,
  output logic [LANES*64-1:0]                   ex_insn_o,
  output logic [LANES*bpfnic_pkg::DECODED_W-1:0] ex_dec_o,
  output logic [LANES*64-1:0]                   ex_a_o,       // destination register value
  output logic [LANES*64-1:0]                   ex_b_o,       // source register, immediate or lddw value
  output logic [6*64-1:0]                       ex_args_o     // r0..r5 (lane 0)
);

  localparam int unsigned DW = bpfnic_pkg::DECODED_W;

  logic [LANES*DW-1:0]  dec;
  logic [LANES*64-1:0]  a_val, b_val;
  logic [6*64-1:0]      args;
  logic [LANES-1:0]     hazard;

  for (genvar l = 0; l < LANES; l++) begin : g_lane
    bpfnic_operand #(
      .LANES     (LANES),
      .FULL_LANE (l == 0)
    ) u_operand (
      .insn_i            (id_bundle_i[l*64 +: 64]),
      .imm_hi_i          (id_imm_hi_i),
      .ctx_i             (ctx_i),
      .regs_i            (regs_i),
      .ex_we_i           (ex_fwd_we_i),
      .ex_reg_i          (ex_fwd_reg_i),
      .ex_data_i         (ex_fwd_data_i),
      .ex_load_pending_i (ex_load_pending_i),
      .ex_load_reg_i     (ex_load_reg_i),
      .wb_we_i           (wb_fwd_we_i),
      .wb_reg_i          (wb_fwd_reg_i),
      .wb_data_i         (wb_fwd_data_i),
      .dec_o             (dec[l*DW +: DW]),
      .a_o               (a_val[l*64 +: 64]),
      .b_o               (b_val[l*64 +: 64]),
      .hazard_o          (hazard[l])
    );
  end

  // r0..r5 for helper calls and cmpxchg (lane 0).
  for (genvar r = 0; r < 6; r++) begin : g_args
    localparam logic [3:0] R = r;
    bpfnic_fwd_read #(.LANES(LANES)) u_read_arg (
      .reg_i (R), .regs_i (regs_i),
      .ex_we_i (ex_fwd_we_i), .ex_reg_i (ex_fwd_reg_i), .ex_data_i (ex_fwd_data_i),
      .wb_we_i (wb_fwd_we_i), .wb_reg_i (wb_fwd_reg_i), .wb_data_i (wb_fwd_data_i),
      .value_o (args[r*64 +: 64])
    );
  end

  assign stall_o = id_valid_i && (|hazard) && !flush_i;

  // Decode/execute register
  logic                 ex_valid_q, ex_valid_d;
  logic [31:0]          ex_pc_q, ex_pc_d;
  logic                 ex_pc_oob_q, ex_pc_oob_d;
  logic [LANES*64-1:0]  ex_insn_q, ex_insn_d;
  logic [LANES*DW-1:0]  ex_dec_q, ex_dec_d;
  logic [LANES*64-1:0]  ex_a_q, ex_a_d;
  logic [LANES*64-1:0]  ex_b_q, ex_b_d;
  logic [6*64-1:0]      ex_args_q, ex_args_d;

  always_comb begin
    ex_valid_d  = ex_valid_q;
    ex_pc_d     = ex_pc_q;
    ex_pc_oob_d = ex_pc_oob_q;
    ex_insn_d   = ex_insn_q;
    ex_dec_d    = ex_dec_q;
    ex_a_d      = ex_a_q;
    ex_b_d      = ex_b_q;
    ex_args_d   = ex_args_q;
    if (!ex_stall_i) begin
      ex_valid_d  = id_valid_i && !stall_o && !flush_i;
      ex_pc_d     = id_pc_i;
      ex_pc_oob_d = id_pc_oob_i;
      ex_insn_d   = id_bundle_i;
      ex_dec_d    = dec;
      ex_a_d      = a_val;
      ex_b_d      = b_val;
      ex_args_d   = args;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ex_valid_q  <= 1'b0;
      ex_pc_q     <= 32'h0;
      ex_pc_oob_q <= 1'b0;
      ex_insn_q   <= '0;
      ex_dec_q    <= '0;
      ex_a_q      <= '0;
      ex_b_q      <= '0;
      ex_args_q   <= '0;
    end else begin
      ex_valid_q  <= ex_valid_d;
      ex_pc_q     <= ex_pc_d;
      ex_pc_oob_q <= ex_pc_oob_d;
      ex_insn_q   <= ex_insn_d;
      ex_dec_q    <= ex_dec_d;
      ex_a_q      <= ex_a_d;
      ex_b_q      <= ex_b_d;
      ex_args_q   <= ex_args_d;
    end
  end

  assign ex_valid_o  = ex_valid_q;
  assign ex_pc_o     = ex_pc_q;
  assign ex_pc_oob_o = ex_pc_oob_q;
  assign ex_insn_o   = ex_insn_q;
  assign ex_dec_o    = ex_dec_q;
  assign ex_a_o      = ex_a_q;
  assign ex_b_o      = ex_b_q;
  assign ex_args_o   = ex_args_q;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicIdLanes, LANES >= 1 && LANES <= 8)
  `ASSERT_KNOWN(BpfnicIdValidKnown, ex_valid_o, clk_i, !rst_ni)
  // A load-use stall never coincides with a stalled execute stage holding a different load.
  `ASSERT(BpfnicIdNoStallWhenInvalid, !(stall_o && !id_valid_i), clk_i, !rst_ni)

endmodule
