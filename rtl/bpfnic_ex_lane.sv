// SPDX-License-Identifier: MIT
// bpfnic_ex_lane: the ALU of one lane in the execute stage, with its write-back control.

/**
 * Runs the slot's ALU operation and reports whether it writes a register (a valid, legal slot
 * with a destination) and whether it is illegal (the whole bundle then traps).
 */
`include "bpfnic_assert.svh"

module bpfnic_ex_lane (
  input  logic [bpfnic_pkg::DECODED_W-1:0] dec_i,
  input  logic [63:0]                      a_i,
  input  logic [63:0]                      b_i,
  output logic [63:0]                      result_o,
  output logic                             wr_o,
  output logic [3:0]                       wr_reg_o,
  output logic                             illegal_o
);

  bpfnic_pkg::decoded_t d;
  assign d = dec_i;

  bpfnic_alu u_alu (
    .op_i     (d.alu_op),
    .is64_i   (d.is64),
    .src_x_i  (d.src_x),
    .off_i    (d.off),
    .imm_i    (d.imm),
    .a_i      (a_i),
    .b_i      (b_i),
    .result_o (result_o)
  );

  assign wr_o      = d.valid && d.wr && !d.illegal;
  assign illegal_o = d.valid && d.illegal;
  assign wr_reg_o  = d.wr_reg;

  ////////////////
  // Assertions //
  ////////////////
  // A slot that writes names a writable register (r0..r9).
  `ASSERT_COMB(BpfnicExLaneWrReg, !wr_o || wr_reg_o <= 4'd9)

endmodule
