// SPDX-License-Identifier: MIT
// bpfnic_wb_stage: writeback stage: load data alignment, register writes and the retire-trace port.

/**
 * Lane-0 loads from the stack or packet buffer get their data here (the memories answer one cycle
 * after the request), masked and zero- or sign-extended. Every lane's result is written to the
 * register file and forwarded to decode. Each non-NOP slot of the bundle retires here, in lane
 * order, on the retire-trace port (in the spirit of RISC-V's RVFI): pc, instruction, destination
 * register and value, memory address, data and width, trap cause.
 */
`include "bpfnic_assert.svh"

module bpfnic_wb_stage #(
  parameter int unsigned LANES = 1
) (
  // Execute/writeback register
  input  logic                 wb_valid_i,
  input  logic [31:0]          wb_pc_i,
  input  logic [LANES*64-1:0]  wb_insn_i,
  input  logic [LANES-1:0]     wb_we_i,
  input  logic [LANES*4-1:0]   wb_reg_i,
  input  logic [LANES*64-1:0]  wb_data_i,
  input  logic                 wb_load_i,
  input  logic                 wb_load_pkt_i,
  input  logic [1:0]           wb_width_i,
  input  logic                 wb_sx_i,
  input  logic                 wb_mem_i,
  input  logic                 wb_mem_write_i,
  input  logic [63:0]          wb_mem_addr_i,
  input  logic [63:0]          wb_mem_wdata_i,
  input  logic                 wb_exit_i,
  input  logic [3:0]           wb_trap_i,
  // Memory read data
  input  logic [63:0]          stack_rdata_i,
  input  logic [63:0]          pkt_rdata_i,
  // Register file write ports (also forwarded to decode)
  output logic [LANES-1:0]     rf_we_o,
  output logic [LANES*4-1:0]   rf_waddr_o,
  output logic [LANES*64-1:0]  rf_wdata_o,
  // Program end
  output logic                 done_o,
  output logic                 trap_o,
  output logic [3:0]           trap_cause_o,
  // Retire-trace port, one entry per lane
  output logic [LANES-1:0]     rvfi_valid_o,
  output logic [LANES*32-1:0]  rvfi_pc_o,
  output logic [LANES*64-1:0]  rvfi_insn_o,
  output logic [LANES*4-1:0]   rvfi_dst_addr_o,    // 15: no register written
  output logic [LANES*64-1:0]  rvfi_dst_wdata_o,
  output logic [LANES-1:0]     rvfi_mem_valid_o,
  output logic [LANES-1:0]     rvfi_mem_write_o,
  output logic [LANES*64-1:0]  rvfi_mem_addr_o,
  output logic [LANES*64-1:0]  rvfi_mem_data_o,    // loaded or stored value
  output logic [LANES*2-1:0]   rvfi_mem_width_o,
  output logic [LANES*4-1:0]   rvfi_trap_o,
  output logic [LANES-1:0]     rvfi_exit_o
);

  logic [63:0] load_data;
  assign load_data = bpfnic_pkg::extend(wb_load_pkt_i ? pkt_rdata_i : stack_rdata_i, wb_width_i, wb_sx_i);

  always_comb begin
    rf_we_o    = wb_valid_i ? wb_we_i : '0;
    rf_waddr_o = wb_reg_i;
    rf_wdata_o = wb_data_i;
    if (wb_load_i) rf_wdata_o[63:0] = load_data;
  end

  assign done_o       = wb_valid_i && (wb_exit_i || wb_trap_i != bpfnic_pkg::TRAP_NONE);
  assign trap_o       = wb_valid_i && wb_trap_i != bpfnic_pkg::TRAP_NONE;
  assign trap_cause_o = wb_trap_i;

  always_comb begin
    for (int l = 0; l < (LANES); l++) begin
      rvfi_valid_o[l]             = wb_valid_i && (wb_insn_i[l*64 +: 8] != 8'h00 ||
                                                   (l == 0 && wb_trap_i != bpfnic_pkg::TRAP_NONE));
      rvfi_pc_o[l*32 +: 32]       = wb_pc_i;
      rvfi_insn_o[l*64 +: 64]     = wb_insn_i[l*64 +: 64];
      rvfi_dst_addr_o[l*4 +: 4]   = rf_we_o[l] ? wb_reg_i[l*4 +: 4] : 4'hf;
      rvfi_dst_wdata_o[l*64 +: 64] = rf_wdata_o[l*64 +: 64];
      rvfi_mem_valid_o[l]         = 1'b0;
      rvfi_mem_write_o[l]         = 1'b0;
      rvfi_mem_addr_o[l*64 +: 64] = 64'h0;
      rvfi_mem_data_o[l*64 +: 64] = 64'h0;
      rvfi_mem_width_o[l*2 +: 2]  = 2'h0;
      rvfi_trap_o[l*4 +: 4]       = (l == 0) ? wb_trap_i : 4'h0;
      rvfi_exit_o[l]              = (l == 0) && wb_valid_i && wb_exit_i;
    end
    rvfi_mem_valid_o[0] = wb_valid_i && wb_mem_i;
    rvfi_mem_write_o[0] = wb_mem_write_i;
    rvfi_mem_addr_o[63:0] = wb_mem_addr_i;
    rvfi_mem_data_o[63:0] = wb_mem_write_i ? wb_mem_wdata_i : rf_wdata_o[63:0];
    rvfi_mem_width_o[1:0] = wb_width_i;
  end

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicWbLanes, LANES >= 1 && LANES <= 8)
  `ASSERT_COMB(BpfnicWbLoadLane0, !(wb_valid_i && wb_load_i) || wb_we_i[0])

endmodule
