// SPDX-License-Identifier: MIT
// bpfnic_alu: the single-cycle 64/32-bit eBPF ALU (everything but division and modulo).

/**
 * Combinational eBPF ALU with the exact RFC 9669 / Linux semantics: shift counts masked to 63 or
 * 31, every 32-bit result zero-extended, movsx (off = 8/16/32), neg, and the byte-swap family
 * (le/be in the ALU class, unconditional bswap in the ALU64 class). Division and modulo live in
 * bpfnic_divider, which stalls the pipeline.
 */
`include "bpfnic_assert.svh"

module bpfnic_alu (
  input  logic [3:0]  op_i,      // bpfnic_pkg::alu_op_e
  input  logic        is64_i,    // ALU64 class
  input  logic        src_x_i,   // source bit (END: to-big-endian)
  input  logic [15:0] off_i,     // movsx width selector
  input  logic [31:0] imm_i,     // END width
  input  logic [63:0] a_i,       // destination register value
  input  logic [63:0] b_i,       // source register or sign-extended immediate
  output logic [63:0] result_o
);

  logic [63:0] res64;
  logic [31:0] res32;
  logic [5:0]  sh64;
  logic [4:0]  sh32;
  logic [63:0] mul64;
  logic [63:0] swap16, swap32, swap64;

  assign sh64   = b_i[5:0];
  assign sh32   = b_i[4:0];
  assign mul64  = a_i * b_i;
  assign swap16 = {48'h0, a_i[7:0], a_i[15:8]};
  assign swap32 = {32'h0, a_i[7:0], a_i[15:8], a_i[23:16], a_i[31:24]};
  assign swap64 = {a_i[7:0], a_i[15:8], a_i[23:16], a_i[31:24],
                   a_i[39:32], a_i[47:40], a_i[55:48], a_i[63:56]};

  // 64-bit operations
  always_comb begin
    res64 = 64'h0;
    unique case (op_i)
      bpfnic_pkg::ALU_ADD:  res64 = a_i + b_i;
      bpfnic_pkg::ALU_SUB:  res64 = a_i - b_i;
      bpfnic_pkg::ALU_MUL:  res64 = mul64;
      bpfnic_pkg::ALU_OR:   res64 = a_i | b_i;
      bpfnic_pkg::ALU_AND:  res64 = a_i & b_i;
      bpfnic_pkg::ALU_LSH:  res64 = a_i << sh64;
      bpfnic_pkg::ALU_RSH:  res64 = a_i >> sh64;
      bpfnic_pkg::ALU_NEG:  res64 = 64'h0 - a_i;
      bpfnic_pkg::ALU_XOR:  res64 = a_i ^ b_i;
      bpfnic_pkg::ALU_ARSH: res64 = $unsigned($signed(a_i) >>> sh64);
      bpfnic_pkg::ALU_MOV: begin
        unique case (off_i)
          16'd8:   res64 = {{56{b_i[7]}}, b_i[7:0]};
          16'd16:  res64 = {{48{b_i[15]}}, b_i[15:0]};
          16'd32:  res64 = {{32{b_i[31]}}, b_i[31:0]};
          default: res64 = b_i;
        endcase
      end
      bpfnic_pkg::ALU_END: begin
        // ALU64 class: unconditional byte swap of the low imm bits.
        unique case (imm_i)
          32'd16:  res64 = swap16;
          32'd32:  res64 = swap32;
          default: res64 = swap64;
        endcase
      end
      default: res64 = 64'h0;
    endcase
  end

  // 32-bit operations (results zero-extended below)
  always_comb begin
    res32 = 32'h0;
    unique case (op_i)
      bpfnic_pkg::ALU_ADD:  res32 = a_i[31:0] + b_i[31:0];
      bpfnic_pkg::ALU_SUB:  res32 = a_i[31:0] - b_i[31:0];
      bpfnic_pkg::ALU_MUL:  res32 = mul64[31:0];
      bpfnic_pkg::ALU_OR:   res32 = a_i[31:0] | b_i[31:0];
      bpfnic_pkg::ALU_AND:  res32 = a_i[31:0] & b_i[31:0];
      bpfnic_pkg::ALU_LSH:  res32 = a_i[31:0] << sh32;
      bpfnic_pkg::ALU_RSH:  res32 = a_i[31:0] >> sh32;
      bpfnic_pkg::ALU_NEG:  res32 = 32'h0 - a_i[31:0];
      bpfnic_pkg::ALU_XOR:  res32 = a_i[31:0] ^ b_i[31:0];
      bpfnic_pkg::ALU_ARSH: res32 = $unsigned($signed(a_i[31:0]) >>> sh32);
      bpfnic_pkg::ALU_MOV: begin
        unique case (off_i)
          16'd8:   res32 = {{24{b_i[7]}}, b_i[7:0]};
          16'd16:  res32 = {{16{b_i[15]}}, b_i[15:0]};
          default: res32 = b_i[31:0];
        endcase
      end
      default: res32 = 32'h0;
    endcase
  end

  // END in the ALU class: to-little-endian truncates, to-big-endian swaps (little-endian host).
  always_comb begin
    result_o = is64_i ? res64 : {32'h0, res32};
    if (op_i == bpfnic_pkg::ALU_END && !is64_i) begin
      unique case (imm_i)
        32'd16:  result_o = src_x_i ? swap16 : {48'h0, a_i[15:0]};
        32'd32:  result_o = src_x_i ? swap32 : {32'h0, a_i[31:0]};
        default: result_o = src_x_i ? swap64 : a_i;
      endcase
    end
  end

  ////////////////
  // Assertions //
  ////////////////
  // The ALU never sees division or modulo: the divider owns them.
  // Every 32-bit result is zero-extended (only the le64/be64 forms of END produce 64 bits).
  `ASSERT_COMB(BpfnicAluZext32, is64_i || op_i == bpfnic_pkg::ALU_END || result_o[63:32] == 32'h0)

endmodule
