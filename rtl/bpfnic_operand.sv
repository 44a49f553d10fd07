// SPDX-License-Identifier: MIT
// bpfnic_operand: decode and operand read of one slot of the bundle in decode.

/**
 * Decodes the slot, reads its destination (operand A) and source (operand B: register, sign-
 * extended immediate, or the 64-bit lddw value with the upper half from the next bundle) through
 * forwarding read ports, and flags a load-use hazard on a lane-0 load in execute. Extension forms:
 * operand B of a context read is the context register, of a wide move the 48-bit constant
 * {off, imm}; operand A of jgt-with-add is dst + imm.
 */
`include "bpfnic_assert.svh"

module bpfnic_operand #(
  parameter int unsigned LANES     = 1,
  parameter bit          FULL_LANE = 1'b1
) (
  input  logic [63:0]                      insn_i,
  input  logic [31:0]                      imm_hi_i,
  input  logic [8*bpfnic_pkg::CTX_BYTES-1:0] ctx_i,   // context registers (CtxRead)
  input  logic [11*64-1:0]                 regs_i,
  input  logic [LANES-1:0]                 ex_we_i,
  input  logic [LANES*4-1:0]               ex_reg_i,
  input  logic [LANES*64-1:0]              ex_data_i,
  input  logic                             ex_load_pending_i,
  input  logic [3:0]                       ex_load_reg_i,
  input  logic [LANES-1:0]                 wb_we_i,
  input  logic [LANES*4-1:0]               wb_reg_i,
  input  logic [LANES*64-1:0]              wb_data_i,
  output logic [bpfnic_pkg::DECODED_W-1:0] dec_o,
  output logic [63:0]                      a_o,
  output logic [63:0]                      b_o,
  output logic                             hazard_o
);

  bpfnic_pkg::decoded_t d;
  logic [63:0]          src_v, dst_v;

  bpfnic_decoder #(
    .FULL_LANE(FULL_LANE)
  ) u_decoder (
    .insn_i (insn_i),
    .dec_o  (d)
  );

  bpfnic_fwd_read #(.LANES(LANES)) u_read_dst (
    .reg_i (d.dst), .regs_i (regs_i),
    .ex_we_i (ex_we_i), .ex_reg_i (ex_reg_i), .ex_data_i (ex_data_i),
    .wb_we_i (wb_we_i), .wb_reg_i (wb_reg_i), .wb_data_i (wb_data_i),
    .value_o (dst_v)
  );

  bpfnic_fwd_read #(.LANES(LANES)) u_read_src (
    .reg_i (d.src), .regs_i (regs_i),
    .ex_we_i (ex_we_i), .ex_reg_i (ex_reg_i), .ex_data_i (ex_data_i),
    .wb_we_i (wb_we_i), .wb_reg_i (wb_reg_i), .wb_data_i (wb_data_i),
    .value_o (src_v)
  );

  logic [31:0] ctx_field;
  always_comb begin
    unique case (d.imm[2:0])
      3'd0:    ctx_field = ctx_i[0*32 +: 32];
      3'd1:    ctx_field = ctx_i[1*32 +: 32];
      3'd2:    ctx_field = ctx_i[2*32 +: 32];
      3'd3:    ctx_field = ctx_i[3*32 +: 32];
      3'd4:    ctx_field = ctx_i[4*32 +: 32];
      3'd5:    ctx_field = ctx_i[5*32 +: 32];
      default: ctx_field = 32'h0;
    endcase
  end

  always_comb begin
    a_o = d.add_k ? dst_v + {{32{d.imm[31]}}, d.imm} : dst_v;
    if (d.lddw) begin
      b_o = {imm_hi_i, d.imm};
    end else if (d.ctx_rd) begin
      b_o = {32'h0, ctx_field};
    end else if (d.opcode == bpfnic_pkg::OPC_MOV_WIDE) begin
      b_o = {16'h0, insn_i[31:16], d.imm};
    end else if (d.src_x || d.load) begin
      b_o = src_v;
    end else begin
      b_o = {{32{d.imm[31]}}, d.imm};
    end
    dec_o    = d;
    hazard_o = d.valid && ex_load_pending_i &&
               ((d.rd_dst && d.dst == ex_load_reg_i) || (d.rd_src && d.src == ex_load_reg_i) ||
                (FULL_LANE && (d.call_helper || d.atomic) && ex_load_reg_i <= 4'd5));
  end

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicOperandLanes, LANES >= 1 && LANES <= 8)
  // lddw only in the full lane.
  `ASSERT_COMB(BpfnicOperandLddwLane, FULL_LANE || !d.lddw || d.illegal)

endmodule
