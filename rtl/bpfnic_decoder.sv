// SPDX-License-Identifier: MIT
// bpfnic_decoder: decodes one 64-bit eBPF slot into the control fields of the execute stage.

/**
 * Purely combinational. An all-zero opcode is a NOP (the filler of unused lanes and the second
 * half of an lddw). Lane 0 executes every supported form; the other lanes execute single-cycle
 * ALU operations only (the memory port, branch unit, divider and helper port sit in lane 0), so
 * any other form in those lanes is illegal and traps. Unsupported forms (legacy packet loads,
 * callx, kfunc calls) and bad register numbers are illegal too. The extension forms
 * (docs/isa-extensions.md) decode onto the same units: a 3-operand ALU form reads its first
 * operand from the src field's register and its second from imm (a register number with the X
 * bit), a context read is a move from a context register, an exit with an immediate is an exit
 * that also moves imm to r0, and jgt-with-add compares dst + imm with src.
 */
`include "bpfnic_assert.svh"

module bpfnic_decoder #(
  parameter bit FULL_LANE = 1'b1   // lane 0: memory, branches, divider, calls
) (
  input  logic [63:0]                    insn_i,
  output logic [bpfnic_pkg::DECODED_W-1:0] dec_o
);

  bpfnic_pkg::decoded_t d;

  logic [7:0]  opc;
  logic [2:0]  cls;
  logic [3:0]  hi;
  logic [3:0]  dreg, sreg;
  logic [15:0] off;
  logic [31:0] imm;
  logic        dst_ok, src_ok, dst_wr_ok;

  assign opc  = insn_i[7:0];
  assign cls  = opc[2:0];
  assign hi   = opc[7:4];
  assign dreg = insn_i[11:8];
  assign sreg = insn_i[15:12];
  assign off  = insn_i[31:16];
  assign imm  = insn_i[63:32];
  assign dst_ok    = dreg <= 4'd10;
  assign src_ok    = sreg <= 4'd10;
  assign dst_wr_ok = dreg <= 4'd9;

  always_comb begin
    d         = '0;
    d.valid   = opc != 8'h00;
    d.opcode  = opc;
    d.dst     = dreg;
    d.src     = sreg;
    d.off     = off;
    d.imm     = imm;
    d.is64    = cls == bpfnic_pkg::CLS_ALU64;
    d.alu_op  = hi;
    d.src_x   = opc[3];
    d.width   = bpfnic_pkg::size_to_width(opc[4:3]);
    d.jmp_op  = hi;
    d.jmp32   = cls == bpfnic_pkg::CLS_JMP32;
    d.wr_reg  = dreg;
    d.illegal = 1'b0;

    if (opc == bpfnic_pkg::OPC_CTX_READ) begin
      d.alu     = 1'b1;
      d.ctx_rd  = 1'b1;
      d.alu_op  = bpfnic_pkg::ALU_MOV;
      d.src_x   = 1'b1;
      d.wr      = 1'b1;
      d.illegal = !dst_wr_ok || sreg != 4'd0 || off != 16'd0 || imm > 32'd5;
    end else if (opc == bpfnic_pkg::OPC_MOV_WIDE) begin
      // A 48-bit constant (map window addresses) in one slot: operand B is built in bpfnic_operand;
      // off is cleared so the move is not read as a sign-extending one.
      d.alu     = 1'b1;
      d.alu_op  = bpfnic_pkg::ALU_MOV;
      d.is64    = 1'b1;
      d.src_x   = 1'b0;
      d.off     = 16'd0;
      d.wr      = 1'b1;
      d.illegal = !dst_wr_ok || sreg != 4'd0;
    end else if ((cls == bpfnic_pkg::CLS_ALU || cls == bpfnic_pkg::CLS_ALU64) && hi == bpfnic_pkg::ALU_3OP) begin
      d.alu     = 1'b1;
      d.wr      = 1'b1;
      d.alu_op  = off[3:0];
      d.off     = 16'd0;
      d.dst     = sreg;
      d.rd_dst  = 1'b1;
      d.src     = imm[3:0];
      d.rd_src  = opc[3];
      d.src_x   = opc[3];
      d.illegal = !dst_wr_ok || !src_ok || off[15:4] != 12'd0 || (opc[3] && imm > 32'd10) ||
                  !(off[3:0] == bpfnic_pkg::ALU_ADD || off[3:0] == bpfnic_pkg::ALU_SUB ||
                    off[3:0] == bpfnic_pkg::ALU_MUL || off[3:0] == bpfnic_pkg::ALU_OR ||
                    off[3:0] == bpfnic_pkg::ALU_AND || off[3:0] == bpfnic_pkg::ALU_LSH ||
                    off[3:0] == bpfnic_pkg::ALU_RSH || off[3:0] == bpfnic_pkg::ALU_XOR ||
                    off[3:0] == bpfnic_pkg::ALU_ARSH);
    end else if (opc == bpfnic_pkg::OPC_EXIT_IMM) begin
      d.exit_   = 1'b1;
      d.wr      = 1'b1;
      d.wr_reg  = 4'd0;
      d.alu_op  = bpfnic_pkg::ALU_MOV;
      d.is64    = 1'b1;
      d.src_x   = 1'b0;
      d.illegal = !FULL_LANE || dreg != 4'd0 || sreg != 4'd0 || off != 16'd0;
    end else if (opc == bpfnic_pkg::OPC_JGT_ADD) begin
      d.jmp     = 1'b1;
      d.jmp_op  = bpfnic_pkg::JMP_JGT;
      d.jmp32   = 1'b0;
      d.add_k   = 1'b1;
      d.rd_dst  = 1'b1;
      d.rd_src  = 1'b1;
      d.src_x   = 1'b1;
      d.illegal = !FULL_LANE || !dst_ok || !src_ok;
    end else begin
    unique case (cls)
      bpfnic_pkg::CLS_ALU, bpfnic_pkg::CLS_ALU64: begin
        d.rd_dst = (hi != bpfnic_pkg::ALU_MOV);
        d.rd_src = opc[3] && (hi != bpfnic_pkg::ALU_NEG) && (hi != bpfnic_pkg::ALU_END);
        d.wr     = 1'b1;
        unique case (hi)
          bpfnic_pkg::ALU_DIV, bpfnic_pkg::ALU_MOD: begin
            d.div     = 1'b1;
            d.illegal = !FULL_LANE || !(off == 16'd0 || off == 16'd1);
          end
          bpfnic_pkg::ALU_MOV: begin
            d.alu     = 1'b1;
            d.illegal = !(off == 16'd0 || (opc[3] && (off == 16'd8 || off == 16'd16 ||
                                                       (d.is64 && off == 16'd32))));
          end
          bpfnic_pkg::ALU_NEG: begin
            d.alu     = 1'b1;
            d.illegal = opc[3];
          end
          bpfnic_pkg::ALU_END: begin
            d.alu     = 1'b1;
            d.illegal = !(imm == 32'd16 || imm == 32'd32 || imm == 32'd64) || (d.is64 && opc[3]);
          end
          bpfnic_pkg::ALU_ADD, bpfnic_pkg::ALU_SUB, bpfnic_pkg::ALU_MUL, bpfnic_pkg::ALU_OR,
          bpfnic_pkg::ALU_AND, bpfnic_pkg::ALU_LSH, bpfnic_pkg::ALU_RSH, bpfnic_pkg::ALU_XOR,
          bpfnic_pkg::ALU_ARSH: begin
            d.alu = 1'b1;
          end
          default: d.illegal = 1'b1;
        endcase
        if (!dst_wr_ok || (d.rd_src && !src_ok)) d.illegal = 1'b1;
      end

      bpfnic_pkg::CLS_LD: begin
        // Only lddw (0x18) exists here; legacy packet loads (abs/ind) are not executed.
        d.lddw    = 1'b1;
        d.wr      = 1'b1;
        d.illegal = !FULL_LANE || opc != 8'h18 || !dst_wr_ok;
      end

      bpfnic_pkg::CLS_LDX: begin
        d.load    = 1'b1;
        d.rd_src  = 1'b1;
        d.wr      = 1'b1;
        d.sx      = opc[7:5] == bpfnic_pkg::MODE_MEMSX;
        d.illegal = !FULL_LANE || !dst_wr_ok || !src_ok ||
                    !(opc[7:5] == bpfnic_pkg::MODE_MEM ||
                      (opc[7:5] == bpfnic_pkg::MODE_MEMSX && opc[4:3] != bpfnic_pkg::SIZE_DW));
      end

      bpfnic_pkg::CLS_ST, bpfnic_pkg::CLS_STX: begin
        d.rd_dst = 1'b1;
        d.rd_src = cls == bpfnic_pkg::CLS_STX;
        d.src_x  = cls == bpfnic_pkg::CLS_STX;
        if (opc[7:5] == bpfnic_pkg::MODE_ATOMIC && cls == bpfnic_pkg::CLS_STX) begin
          d.atomic  = 1'b1;
          d.illegal = !(opc[4:3] == bpfnic_pkg::SIZE_W || opc[4:3] == bpfnic_pkg::SIZE_DW);
          unique case (imm)
            32'h00, 32'h40, 32'h50, 32'ha0: d.wr = 1'b0;
            32'h01, 32'h41, 32'h51, 32'ha1, 32'he1: begin
              d.wr     = 1'b1;
              d.wr_reg = sreg;
            end
            32'hf1: begin
              d.wr     = 1'b1;
              d.wr_reg = 4'd0;
            end
            default: d.illegal = 1'b1;
          endcase
          if (d.wr && sreg > 4'd9) d.illegal = 1'b1;
        end else begin
          d.store   = 1'b1;
          d.illegal = opc[7:5] != bpfnic_pkg::MODE_MEM;
        end
        if (!FULL_LANE || !dst_ok || !src_ok) d.illegal = 1'b1;
      end

      bpfnic_pkg::CLS_JMP, bpfnic_pkg::CLS_JMP32: begin
        unique case (hi)
          bpfnic_pkg::JMP_JA: begin
            d.jmp = 1'b1;
          end
          bpfnic_pkg::JMP_CALL: begin
            d.call_helper = sreg == 4'd0;
            d.call_local  = sreg == 4'd1;
            d.wr          = sreg == 4'd0;
            d.wr_reg      = 4'd0;
            d.illegal     = opc[3] || d.jmp32 || !(sreg == 4'd0 || sreg == 4'd1);
          end
          bpfnic_pkg::JMP_EXIT: begin
            d.exit_   = 1'b1;
            d.illegal = opc[3] || d.jmp32;
          end
          bpfnic_pkg::JMP_JEQ, bpfnic_pkg::JMP_JGT, bpfnic_pkg::JMP_JGE, bpfnic_pkg::JMP_JSET,
          bpfnic_pkg::JMP_JNE, bpfnic_pkg::JMP_JSGT, bpfnic_pkg::JMP_JSGE, bpfnic_pkg::JMP_JLT,
          bpfnic_pkg::JMP_JLE, bpfnic_pkg::JMP_JSLT, bpfnic_pkg::JMP_JSLE: begin
            d.jmp     = 1'b1;
            d.rd_dst  = 1'b1;
            d.rd_src  = opc[3];
            d.illegal = !dst_ok || (opc[3] && !src_ok);
          end
          default: d.illegal = 1'b1;
        endcase
        if (!FULL_LANE) d.illegal = 1'b1;
      end

      default: d.illegal = 1'b1;
    endcase
    end

    if (!d.valid) begin
      d         = '0;
    end
  end

  assign dec_o = d;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicDecoderWidth, $bits(bpfnic_pkg::decoded_t) == bpfnic_pkg::DECODED_W)
  // A legal slot belongs to exactly one unit.
  `ASSERT_COMB(BpfnicDecoderOneUnit, !d.valid || d.illegal ||
      $onehot({d.alu, d.div, d.lddw, d.load, d.store, d.atomic, d.jmp, d.call_helper,
               d.call_local, d.exit_}))
  // Only lane 0 holds memory, branch and call units.
  `ASSERT_COMB(BpfnicDecoderLaneUnits, FULL_LANE || d.illegal || !d.valid || d.alu)

endmodule
