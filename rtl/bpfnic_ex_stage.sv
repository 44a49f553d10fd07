// SPDX-License-Identifier: MIT
// bpfnic_ex_stage: execute stage: lane ALUs, and in lane 0 the branch unit, divider, load/store
// unit with bounds checks, frame stack and helper port; owns the execute/writeback register.

/**
 * Every lane runs its ALU in one cycle. Lane 0 additionally resolves branches (redirecting fetch),
 * handles bpf-to-bpf calls and returns with a hardware frame stack (return pcs; the register file
 * windows r6..r9), computes load/store addresses and checks them against the address map:
 * context (read only), stack (the current frame and its callers'), packet (data_meta..data_end
 * from the context registers), and the map region served by the map unit port. Anything else
 * traps. Multi-cycle work stalls the stage: division, helper calls, map-unit accesses and the
 * read half of an atomic on the stack or packet.
 */
`include "bpfnic_assert.svh"

module bpfnic_ex_stage #(
  parameter int unsigned LANES = 1
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic                                   start_i,        // new packet: frames reset
  // Decode/execute register
  input  logic                                   ex_valid_i,
  input  logic [31:0]                            ex_pc_i,
  input  logic                                   ex_pc_oob_i,
  input  logic [LANES*64-1:0]                    ex_insn_i,
  input  logic [LANES*bpfnic_pkg::DECODED_W-1:0] ex_dec_i,
  input  logic [LANES*64-1:0]                    ex_a_i,
  input  logic [LANES*64-1:0]                    ex_b_i,
  input  logic [6*64-1:0]                        ex_args_i,
  // Context registers (xdp_md as 24 bytes, little-endian)
  input  logic [8*bpfnic_pkg::CTX_BYTES-1:0]     ctx_i,
  // Pipeline control
  output logic                                   stall_o,
  output logic                                   redirect_o,
  output logic [31:0]                            redirect_pc_o,
  output logic                                   halt_o,         // exit at depth 0 or trap
  output logic [2:0]                             depth_o,
  output logic                                   call_o,         // frame push this cycle
  // Forwarding to decode
  output logic [LANES-1:0]                       fwd_we_o,
  output logic [LANES*4-1:0]                     fwd_reg_o,
  output logic [LANES*64-1:0]                    fwd_data_o,
  output logic                                   load_pending_o,
  output logic [3:0]                             load_reg_o,
  // Stack and packet memories (one shared request, selected by region)
  output logic                                   stack_req_o,
  output logic                                   pkt_req_o,
  output logic                                   mem_we_o,
  output logic [63:0]                            mem_addr_o,     // region-relative byte address
  output logic [1:0]                             mem_width_o,
  output logic [63:0]                            mem_wdata_o,
  input  logic [63:0]                            stack_rdata_i,
  input  logic [63:0]                            pkt_rdata_i,
  // Map unit port (addresses at or above EXT_BASE)
  output logic                                   ext_req_o,
  output logic                                   ext_we_o,
  output logic [63:0]                            ext_addr_o,
  output logic [1:0]                             ext_width_o,
  output logic [63:0]                            ext_wdata_o,
  output logic                                   ext_atomic_o,
  output logic [7:0]                             ext_atomic_op_o,
  output logic [63:0]                            ext_cmp_o,      // r0 for cmpxchg
  input  logic                                   ext_rvalid_i,
  input  logic [63:0]                            ext_rdata_i,
  input  logic                                   ext_err_i,
  // Helper port
  output logic                                   helper_req_o,
  output logic [31:0]                            helper_id_o,
  output logic [5*64-1:0]                        helper_args_o,  // r1..r5
  input  logic                                   helper_rvalid_i,
  input  logic [63:0]                            helper_r0_i,
  input  logic                                   helper_exit_i,  // end the program with r0
  input  logic                                   helper_err_i,
  // Stall causes (for the counters)
  output logic                                   stall_div_o,
  output logic                                   stall_helper_o,
  output logic                                   stall_ext_o,
  output logic                                   stall_atomic_o,
  // Execute/writeback register
  output logic                                   wb_valid_o,
  output logic [31:0]                            wb_pc_o,
  output logic [LANES*64-1:0]                    wb_insn_o,
  output logic [LANES-1:0]                       wb_we_o,
  output logic [LANES*4-1:0]                     wb_reg_o,
  output logic [LANES*64-1:0]                    wb_data_o,
  output logic                                   wb_load_o,      // lane-0 data from a memory
  output logic                                   wb_load_pkt_o,  // ... the packet buffer (else stack)
  output logic [1:0]                             wb_width_o,
  output logic                                   wb_sx_o,
  output logic                                   wb_mem_o,       // lane 0 accessed memory
  output logic                                   wb_mem_write_o,
  output logic [63:0]                            wb_mem_addr_o,
  output logic [63:0]                            wb_mem_wdata_o,
  output logic                                   wb_exit_o,      // program finished
  output logic [3:0]                             wb_trap_o       // bpfnic_pkg::trap_e
);

  localparam int unsigned DW = bpfnic_pkg::DECODED_W;

  // ---------------------------------------------------------------------------------------------
  // Lane ALUs
  // ---------------------------------------------------------------------------------------------
  logic [LANES*64-1:0] alu_res;
  logic [LANES-1:0]    lane_wr;
  logic [LANES*4-1:0]  lane_reg;
  logic [LANES-1:0]    lane_illegal;

  for (genvar l = 0; l < LANES; l++) begin : g_lane
    bpfnic_ex_lane u_lane (
      .dec_i     (ex_dec_i[l*DW +: DW]),
      .a_i       (ex_a_i[l*64 +: 64]),
      .b_i       (ex_b_i[l*64 +: 64]),
      .result_o  (alu_res[l*64 +: 64]),
      .wr_o      (lane_wr[l]),
      .wr_reg_o  (lane_reg[l*4 +: 4]),
      .illegal_o (lane_illegal[l])
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Lane 0: special units
  // ---------------------------------------------------------------------------------------------
  bpfnic_pkg::decoded_t d0;
  logic [63:0] a0, b0;
  assign d0 = ex_dec_i[DW-1:0];
  assign a0 = ex_a_i[63:0];
  assign b0 = ex_b_i[63:0];

  // Divider
  logic        div_start, div_busy, div_done;
  logic [63:0] div_res;

  bpfnic_divider u_divider (
    .clk_i    (clk_i),
    .rst_ni   (rst_ni),
    .start_i  (div_start),
    .is64_i   (d0.is64),
    .signed_i (d0.off == 16'd1),
    .mod_i    (d0.alu_op == bpfnic_pkg::ALU_MOD),
    .a_i      (a0),
    .b_i      (b0),
    .busy_o   (div_busy),
    .done_o   (div_done),
    .result_o (div_res)
  );

  // Branch condition
  logic        taken;
  logic [63:0] ca, cb;
  always_comb begin
    ca = d0.jmp32 ? {32'h0, a0[31:0]} : a0;
    cb = d0.jmp32 ? {32'h0, b0[31:0]} : b0;
    taken = 1'b0;
    unique case (d0.jmp_op)
      bpfnic_pkg::JMP_JA:   taken = 1'b1;
      bpfnic_pkg::JMP_JEQ:  taken = ca == cb;
      bpfnic_pkg::JMP_JNE:  taken = ca != cb;
      bpfnic_pkg::JMP_JGT:  taken = ca > cb;
      bpfnic_pkg::JMP_JGE:  taken = ca >= cb;
      bpfnic_pkg::JMP_JLT:  taken = ca < cb;
      bpfnic_pkg::JMP_JLE:  taken = ca <= cb;
      bpfnic_pkg::JMP_JSET: taken = (ca & cb) != 64'h0;
      bpfnic_pkg::JMP_JSGT: taken = d0.jmp32 ? $signed(a0[31:0]) > $signed(b0[31:0]) : $signed(a0) > $signed(b0);
      bpfnic_pkg::JMP_JSGE: taken = d0.jmp32 ? $signed(a0[31:0]) >= $signed(b0[31:0]) : $signed(a0) >= $signed(b0);
      bpfnic_pkg::JMP_JSLT: taken = d0.jmp32 ? $signed(a0[31:0]) < $signed(b0[31:0]) : $signed(a0) < $signed(b0);
      bpfnic_pkg::JMP_JSLE: taken = d0.jmp32 ? $signed(a0[31:0]) <= $signed(b0[31:0]) : $signed(a0) <= $signed(b0);
      default:              taken = 1'b0;
    endcase
  end

  // Frame stack: return pcs of the active bpf-to-bpf calls
  logic [2:0]  depth_q, depth_d;
  logic [31:0] ret_pc_q [bpfnic_pkg::MAX_FRAMES];
  logic [31:0] ret_pc_d [bpfnic_pkg::MAX_FRAMES];

  // Address generation and region check
  typedef enum logic [2:0] {
    RegNone,
    RegCtx,
    RegStack,
    RegPkt,
    RegExt
  } region_e;

  region_e     region;
  logic [63:0] addr;
  logic [64:0] addr_end;
  logic [3:0]  nbytes;
  logic [63:0] stack_lo;
  logic [63:0] pkt_lo, pkt_hi;
  logic [63:0] st_val;
  logic        is_mem;

  always_comb begin
    is_mem    = d0.load || d0.store || d0.atomic;
    addr      = (d0.load ? b0 : a0) + {{48{d0.off[15]}}, d0.off};
    nbytes    = bpfnic_pkg::width_bytes(d0.width);
    addr_end  = {1'b0, addr} + {61'h0, nbytes};
    // The live stack: the current frame and its callers' (frames grow downwards).
    stack_lo  = bpfnic_pkg::STACK_BASE + {51'h0, 4'd7 - {1'b0, depth_q}, 9'h0};
    pkt_lo    = {32'h0, ctx_i[64 +: 32]};   // data_meta
    pkt_hi    = {32'h0, ctx_i[32 +: 32]};   // data_end
    st_val    = b0;
    region    = RegNone;
    if (addr >= bpfnic_pkg::EXT_BASE) begin
      region = RegExt;
    end else if (addr >= stack_lo &&
                 addr_end <= {1'b0, bpfnic_pkg::STACK_BASE} + 65'(bpfnic_pkg::STACK_BYTES)) begin
      region = RegStack;
    end else if (addr >= pkt_lo && addr_end <= {1'b0, pkt_hi} &&
                 addr >= bpfnic_pkg::PKT_BASE &&
                 addr_end <= {1'b0, bpfnic_pkg::PKT_BASE} + 65'(bpfnic_pkg::PKT_BYTES)) begin
      region = RegPkt;
    end else if (addr >= bpfnic_pkg::CTX_BASE &&
                 addr_end <= {1'b0, bpfnic_pkg::CTX_BASE} + 65'(bpfnic_pkg::CTX_BYTES)) begin
      region = RegCtx;
    end
  end

  // Context read (any width inside the 24 bytes)
  logic [63:0] ctx_rdata;
  always_comb begin
    logic [4:0] o;
    o = 5'(addr - bpfnic_pkg::CTX_BASE);
    ctx_rdata = 64'h0;
    for (int i = 0; i < 8; i++) begin
      if ({27'h0, o} + i < bpfnic_pkg::CTX_BYTES) ctx_rdata[8*i +: 8] = ctx_i[8*({27'h0, o} + i) +: 8];
    end
  end

  // Atomic arithmetic
  function automatic logic [63:0] atomic_new(input logic [7:0] op, logic [63:0] old, logic [63:0] val,
                                             logic [63:0] cmp, logic [1:0] w);
    logic [63:0] r;
    unique case (op & 8'hf0)
      bpfnic_pkg::ATOMIC_ADD: r = old + val;
      bpfnic_pkg::ATOMIC_OR:  r = old | val;
      bpfnic_pkg::ATOMIC_AND: r = old & val;
      bpfnic_pkg::ATOMIC_XOR: r = old ^ val;
      (bpfnic_pkg::ATOMIC_XCHG & 8'hf0): r = val;
      (bpfnic_pkg::ATOMIC_CMPXCHG & 8'hf0): r = (bpfnic_pkg::extend(old, w, 1'b0) == bpfnic_pkg::extend(cmp, w, 1'b0)) ? val : old;
      default:                r = old;
    endcase
    atomic_new = bpfnic_pkg::extend(r, w, 1'b0);
  endfunction

  logic atomic_phase_q, atomic_phase_d;
  logic [63:0] mem_old;
  assign mem_old = bpfnic_pkg::extend(region == RegPkt ? pkt_rdata_i : stack_rdata_i, d0.width, 1'b0);

  // ---------------------------------------------------------------------------------------------
  // Lane-0 control
  // ---------------------------------------------------------------------------------------------
  logic        stall;
  logic        trap_valid;
  logic [3:0]  trap_cause;
  logic        exit_prog;
  logic [63:0] res0;
  logic        mem_load_wb;
  logic        mem_acc;
  logic        mem_write;
  logic [63:0] mem_wval;

  always_comb begin
    stall           = 1'b0;
    trap_valid      = 1'b0;
    trap_cause      = bpfnic_pkg::TRAP_NONE;
    exit_prog       = 1'b0;
    redirect_o      = 1'b0;
    redirect_pc_o   = ex_pc_i + 32'd1;
    call_o          = 1'b0;
    depth_d         = depth_q;
    for (int i = 0; i < (bpfnic_pkg::MAX_FRAMES); i++) ret_pc_d[i] = ret_pc_q[i];
    res0            = alu_res[63:0];
    mem_load_wb     = 1'b0;
    mem_acc         = 1'b0;
    mem_write       = 1'b0;
    mem_wval        = st_val;
    div_start       = 1'b0;
    atomic_phase_d  = atomic_phase_q;
    stack_req_o     = 1'b0;
    pkt_req_o       = 1'b0;
    mem_we_o        = 1'b0;
    mem_addr_o      = 64'h0;
    mem_width_o     = d0.width;
    mem_wdata_o     = st_val;
    ext_req_o       = 1'b0;
    ext_we_o        = 1'b0;
    ext_addr_o      = addr;
    ext_width_o     = d0.width;
    ext_wdata_o     = st_val;
    ext_atomic_o    = 1'b0;
    ext_atomic_op_o = d0.imm[7:0];
    ext_cmp_o       = ex_args_i[63:0];
    helper_req_o    = 1'b0;
    helper_id_o     = d0.imm;
    helper_args_o   = ex_args_i[6*64-1:64];
    stall_div_o     = 1'b0;
    stall_helper_o  = 1'b0;
    stall_ext_o     = 1'b0;
    stall_atomic_o  = 1'b0;

    if (ex_valid_i) begin
      if (ex_pc_oob_i) begin
        trap_valid = 1'b1;
        trap_cause = bpfnic_pkg::TRAP_PC_OOB;
      end else if (|lane_illegal) begin
        trap_valid = 1'b1;
        trap_cause = bpfnic_pkg::TRAP_ILLEGAL;
      end

      if (!trap_valid && d0.valid) begin
        if (d0.div) begin
          div_start   = !div_busy;
          stall       = !div_done;
          stall_div_o = !div_done;
          res0        = div_res;
        end else if (d0.lddw) begin
          res0 = b0;
        end else if (d0.jmp) begin
          if (taken) begin
            redirect_o    = 1'b1;
            redirect_pc_o = ex_pc_i + 32'd1 +
                            ((d0.jmp32 && d0.jmp_op == bpfnic_pkg::JMP_JA) ? d0.imm : {{16{d0.off[15]}}, d0.off});
          end
        end else if (d0.call_local) begin
          if (depth_q == 3'(bpfnic_pkg::MAX_FRAMES - 1)) begin
            trap_valid = 1'b1;
            trap_cause = bpfnic_pkg::TRAP_CALL_DEPTH;
          end else begin
            call_o            = 1'b1;
            ret_pc_d[depth_q] = ex_pc_i + 32'd1;
            depth_d           = depth_q + 3'd1;
            redirect_o        = 1'b1;
            redirect_pc_o     = ex_pc_i + 32'd1 + d0.imm;
          end
        end else if (d0.exit_) begin
          if (depth_q == 3'd0) begin
            exit_prog = 1'b1;
          end else begin
            depth_d       = depth_q - 3'd1;
            redirect_o    = 1'b1;
            redirect_pc_o = ret_pc_q[depth_q - 3'd1];
          end
        end else if (d0.call_helper) begin
          helper_req_o   = 1'b1;
          stall          = !helper_rvalid_i;
          stall_helper_o = !helper_rvalid_i;
          res0           = helper_r0_i;
          if (helper_rvalid_i && helper_err_i) begin
            trap_valid = 1'b1;
            trap_cause = bpfnic_pkg::TRAP_HELPER_ERR;
          end else if (helper_rvalid_i && helper_exit_i) begin
            exit_prog = 1'b1;
          end
        end else if (is_mem) begin
          mem_acc   = 1'b1;
          mem_write = d0.store || d0.atomic;
          unique case (region)
            RegCtx: begin
              if (d0.load) begin
                res0 = bpfnic_pkg::extend(ctx_rdata, d0.width, d0.sx);
              end else begin
                trap_valid = 1'b1;
                trap_cause = bpfnic_pkg::TRAP_CTX_WRITE;
              end
            end
            RegStack, RegPkt: begin
              mem_addr_o = addr - ((region == RegPkt) ? bpfnic_pkg::PKT_BASE : bpfnic_pkg::STACK_BASE);
              stack_req_o = region == RegStack;
              pkt_req_o   = region == RegPkt;
              if (d0.load) begin
                mem_load_wb = 1'b1;
              end else if (d0.store) begin
                mem_we_o = 1'b1;
              end else if (!atomic_phase_q) begin
                // Atomic, first cycle: read the old value.
                atomic_phase_d = 1'b1;
                stall          = 1'b1;
                stall_atomic_o = 1'b1;
              end else begin
                // Atomic, second cycle: write the new value, return the old one.
                atomic_phase_d = 1'b0;
                mem_we_o       = 1'b1;
                mem_wval       = atomic_new(d0.imm[7:0], mem_old, b0, ex_args_i[63:0], d0.width);
                mem_wdata_o    = mem_wval;
                res0           = mem_old;
              end
            end
            RegExt: begin
              ext_req_o    = 1'b1;
              ext_we_o     = d0.store;
              ext_atomic_o = d0.atomic;
              stall        = !ext_rvalid_i;
              stall_ext_o  = !ext_rvalid_i;
              res0         = d0.atomic ? bpfnic_pkg::extend(ext_rdata_i, d0.width, 1'b0)
                                       : bpfnic_pkg::extend(ext_rdata_i, d0.width, d0.sx);
              // The map unit performs the atomic; the value it stored is traced from the old one.
              if (d0.atomic) begin
                mem_wval = atomic_new(d0.imm[7:0], ext_rdata_i, b0, ex_args_i[63:0], d0.width);
              end
              if (ext_rvalid_i && ext_err_i) begin
                trap_valid = 1'b1;
                trap_cause = bpfnic_pkg::TRAP_EXT_ERR;
              end
            end
            default: begin
              trap_valid = 1'b1;
              trap_cause = bpfnic_pkg::TRAP_MEM_OOB;
            end
          endcase
        end
      end
    end

    if (trap_valid) begin
      stall          = 1'b0;
      redirect_o     = 1'b0;
      call_o         = 1'b0;
      depth_d        = depth_q;
      stack_req_o    = 1'b0;
      pkt_req_o      = 1'b0;
      mem_we_o       = 1'b0;
      atomic_phase_d = 1'b0;
      for (int i = 0; i < (bpfnic_pkg::MAX_FRAMES); i++) ret_pc_d[i] = ret_pc_q[i];
    end
    if (start_i) begin
      depth_d        = 3'd0;
      atomic_phase_d = 1'b0;
    end
  end

  assign stall_o  = stall;
  assign halt_o   = ex_valid_i && !stall && (exit_prog || trap_valid);
  assign depth_o  = depth_q;

  // Forwarding: results final this cycle (lane-0 memory loads arrive in writeback)
  always_comb begin
    for (int l = 0; l < (LANES); l++) begin
      fwd_we_o[l]         = ex_valid_i && lane_wr[l] && !trap_valid;
      fwd_reg_o[l*4 +: 4] = lane_reg[l*4 +: 4];
      fwd_data_o[l*64 +: 64] = alu_res[l*64 +: 64];
    end
    fwd_data_o[63:0] = res0;
    if (mem_load_wb) fwd_we_o[0] = 1'b0;
    load_pending_o = ex_valid_i && mem_load_wb && !trap_valid;
    load_reg_o     = d0.wr_reg;
  end

  // ---------------------------------------------------------------------------------------------
  // Execute/writeback register
  // ---------------------------------------------------------------------------------------------
  logic                wb_valid_q, wb_valid_d;
  logic [31:0]         wb_pc_q, wb_pc_d;
  logic [LANES*64-1:0] wb_insn_q, wb_insn_d;
  logic [LANES-1:0]    wb_we_q, wb_we_d;
  logic [LANES*4-1:0]  wb_reg_q, wb_reg_d;
  logic [LANES*64-1:0] wb_data_q, wb_data_d;
  logic                wb_load_q, wb_load_d;
  logic                wb_load_pkt_q, wb_load_pkt_d;
  logic [1:0]          wb_width_q, wb_width_d;
  logic                wb_sx_q, wb_sx_d;
  logic                wb_mem_q, wb_mem_d;
  logic                wb_mem_write_q, wb_mem_write_d;
  logic [63:0]         wb_mem_addr_q, wb_mem_addr_d;
  logic [63:0]         wb_mem_wdata_q, wb_mem_wdata_d;
  logic                wb_exit_q, wb_exit_d;
  logic [3:0]          wb_trap_q, wb_trap_d;

  always_comb begin
    wb_valid_d     = ex_valid_i && !stall;
    wb_pc_d        = ex_pc_i;
    wb_insn_d      = ex_insn_i;
    wb_we_d        = '0;
    wb_reg_d       = lane_reg;
    wb_data_d      = alu_res;
    wb_data_d[63:0] = res0;
    wb_load_d      = mem_load_wb && !trap_valid;
    wb_load_pkt_d  = region == RegPkt;
    wb_width_d     = d0.width;
    wb_sx_d        = d0.sx;
    wb_mem_d       = mem_acc && !trap_valid;
    wb_mem_write_d = mem_write;
    wb_mem_addr_d  = addr;
    wb_mem_wdata_d = mem_wval;
    wb_exit_d      = exit_prog && !trap_valid;
    wb_trap_d      = trap_cause;
    if (ex_valid_i && !trap_valid) wb_we_d = lane_wr;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      depth_q        <= 3'd0;
      atomic_phase_q <= 1'b0;
      for (int i = 0; i < (bpfnic_pkg::MAX_FRAMES); i++) ret_pc_q[i] <= 32'h0;
      wb_valid_q     <= 1'b0;
      wb_pc_q        <= 32'h0;
      wb_insn_q      <= '0;
      wb_we_q        <= '0;
      wb_reg_q       <= '0;
      wb_data_q      <= '0;
      wb_load_q      <= 1'b0;
      wb_load_pkt_q  <= 1'b0;
      wb_width_q     <= 2'h0;
      wb_sx_q        <= 1'b0;
      wb_mem_q       <= 1'b0;
      wb_mem_write_q <= 1'b0;
      wb_mem_addr_q  <= 64'h0;
      wb_mem_wdata_q <= 64'h0;
      wb_exit_q      <= 1'b0;
      wb_trap_q      <= 4'h0;
    end else begin
      depth_q        <= depth_d;
      atomic_phase_q <= atomic_phase_d;
      for (int i = 0; i < (bpfnic_pkg::MAX_FRAMES); i++) ret_pc_q[i] <= ret_pc_d[i];
      wb_valid_q     <= wb_valid_d;
      wb_pc_q        <= wb_pc_d;
      wb_insn_q      <= wb_insn_d;
      wb_we_q        <= wb_we_d;
      wb_reg_q       <= wb_reg_d;
      wb_data_q      <= wb_data_d;
      wb_load_q      <= wb_load_d;
      wb_load_pkt_q  <= wb_load_pkt_d;
      wb_width_q     <= wb_width_d;
      wb_sx_q        <= wb_sx_d;
      wb_mem_q       <= wb_mem_d;
      wb_mem_write_q <= wb_mem_write_d;
      wb_mem_addr_q  <= wb_mem_addr_d;
      wb_mem_wdata_q <= wb_mem_wdata_d;
      wb_exit_q      <= wb_exit_d;
      wb_trap_q      <= wb_trap_d;
    end
  end

  assign wb_valid_o     = wb_valid_q;
  assign wb_pc_o        = wb_pc_q;
  assign wb_insn_o      = wb_insn_q;
  assign wb_we_o        = wb_we_q;
  assign wb_reg_o       = wb_reg_q;
  assign wb_data_o      = wb_data_q;
  assign wb_load_o      = wb_load_q;
  assign wb_load_pkt_o  = wb_load_pkt_q;
  assign wb_width_o     = wb_width_q;
  assign wb_sx_o        = wb_sx_q;
  assign wb_mem_o       = wb_mem_q;
  assign wb_mem_write_o = wb_mem_write_q;
  assign wb_mem_addr_o  = wb_mem_addr_q;
  assign wb_mem_wdata_o = wb_mem_wdata_q;
  assign wb_exit_o      = wb_exit_q;
  assign wb_trap_o      = wb_trap_q;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicExLanes, LANES >= 1 && LANES <= 8)
  `ASSERT_KNOWN(BpfnicExValidKnown, ex_valid_i, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicExOpcodeKnown, d0.opcode, clk_i, !rst_ni)
  // One memory at a time, and never a memory access together with a redirect.
  `ASSERT(BpfnicExOneMem, !(stack_req_o && pkt_req_o), clk_i, !rst_ni)
  `ASSERT(BpfnicExNoMemOnRedirect, !(redirect_o && (stack_req_o || pkt_req_o || ext_req_o)), clk_i, !rst_ni)
  // Requests to the helper and map units stay up until answered.
  `ASSERT(BpfnicExHelperHeld, helper_req_o && !helper_rvalid_i |=> helper_req_o, clk_i, !rst_ni)
  `ASSERT(BpfnicExExtHeld, ext_req_o && !ext_rvalid_i |=> ext_req_o, clk_i, !rst_ni)
  // Responses only come to requests.
  `ASSERT(BpfnicExHelperRespOnReq, !helper_rvalid_i || helper_req_o, clk_i, !rst_ni)
  `ASSERT(BpfnicExExtRespOnReq, !ext_rvalid_i || ext_req_o, clk_i, !rst_ni)

endmodule
