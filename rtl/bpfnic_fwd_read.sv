// SPDX-License-Identifier: MIT
// bpfnic_fwd_read: one register read port with forwarding from execute and writeback.

/**
 * The value of register reg_i as the next instruction must see it: from execute if a lane there
 * writes it this cycle (the highest such lane), else from writeback, else from the register file.
 */
`include "bpfnic_assert.svh"

module bpfnic_fwd_read #(
  parameter int unsigned LANES = 1
) (
  input  logic [3:0]          reg_i,
  input  logic [11*64-1:0]    regs_i,
  input  logic [LANES-1:0]    ex_we_i,
  input  logic [LANES*4-1:0]  ex_reg_i,
  input  logic [LANES*64-1:0] ex_data_i,
  input  logic [LANES-1:0]    wb_we_i,
  input  logic [LANES*4-1:0]  wb_reg_i,
  input  logic [LANES*64-1:0] wb_data_i,
  output logic [63:0]         value_o
);

  always_comb begin
    logic hit;
    value_o = (reg_i <= 4'd10) ? regs_i[reg_i*64 +: 64] : 64'h0;
    hit     = 1'b0;
    for (int l = LANES - 1; l >= 0; l--) begin
      if (!hit && ex_we_i[l] && ex_reg_i[l*4 +: 4] == reg_i) begin
        value_o = ex_data_i[l*64 +: 64];
        hit     = 1'b1;
      end
    end
    for (int l = LANES - 1; l >= 0; l--) begin
      if (!hit && wb_we_i[l] && wb_reg_i[l*4 +: 4] == reg_i) begin
        value_o = wb_data_i[l*64 +: 64];
        hit     = 1'b1;
      end
    end
  end

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicFwdReadLanes, LANES >= 1 && LANES <= 8)

endmodule
