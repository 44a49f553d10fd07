// SPDX-License-Identifier: MIT
// bpfnic_bytemem: byte-addressable memory with one 1/2/4/8-byte access per cycle at any alignment.

/**
 * Eight byte-wide banks (byte a lives in bank a % 8, row a / 8), each a simple synchronous RAM
 * that maps to block RAM. An access of up to 8 bytes touches each bank at most once, so any
 * alignment takes one cycle. Read data appears the cycle after the request, rotated so the
 * addressed byte is in bits [7:0]; the consumer masks and extends it. Used for the stack and
 * the packet buffer.
 */
`include "bpfnic_assert.svh"

module bpfnic_bytemem #(
  parameter int unsigned BYTES = 4096
) (
  input  logic                     clk_i,
  input  logic                     req_i,
  input  logic                     we_i,
  input  logic [$clog2(BYTES)-1:0] addr_i,
  input  logic [1:0]               width_i,   // log2 bytes
  input  logic [63:0]              wdata_i,   // byte 0 in [7:0]
  output logic [63:0]              rdata_o    // valid the cycle after a read request
);

  localparam int unsigned AW   = $clog2(BYTES);
  localparam int unsigned ROWS = BYTES / 8;
  localparam int unsigned RW   = AW - 3;

  logic [2:0]    lo;
  logic [RW-1:0] row;
  logic [3:0]    nbytes;
  logic [2:0]    lo_q;

  logic [RW-1:0] bank_row [8];
  logic [7:0]    bank_en;
  logic [7:0]    bank_wdata [8];
  logic [7:0]    bank_rdata [8];

  assign lo     = addr_i[2:0];
  assign row    = addr_i[AW-1:3];
  assign nbytes = bpfnic_pkg::width_bytes(width_i);

  always_comb begin
    for (int b = 0; b < 8; b++) begin
      logic [2:0] i;
      i             = 3'(b) - lo;                     // which byte of the access bank b holds
      bank_row[b]   = (3'(b) < lo) ? row + RW'(1) : row;
      bank_en[b]    = req_i && ({1'b0, i} < nbytes);
      bank_wdata[b] = wdata_i[8*i +: 8];
    end
  end

  for (genvar b = 0; b < 8; b++) begin : g_bank
    logic [7:0] mem [ROWS];
    logic [7:0] rdata_q;
    always_ff @(posedge clk_i) begin
      if (bank_en[b]) begin
        if (we_i) mem[bank_row[b]] <= bank_wdata[b];
        rdata_q <= mem[bank_row[b]];
      end
    end
    assign bank_rdata[b] = rdata_q;
  end

  always_ff @(posedge clk_i) begin
    if (req_i) lo_q <= lo;
  end

  always_comb begin
    for (int i = 0; i < 8; i++) rdata_o[8*i +: 8] = bank_rdata[3'(i) + lo_q];
  end

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicBytememSize, BYTES >= 64 && (BYTES & (BYTES - 1)) == 0)

endmodule
