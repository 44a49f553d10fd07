// SPDX-License-Identifier: MIT
// bpfnic_core: the bpfnic eBPF processor: a four-stage VLIW pipeline of LANES 64-bit slots with
// its instruction memory, register file, stack, packet buffer, context and counters.

/**
 * Pipeline: fetch (bpfnic_if_stage) -> decode/operand read (bpfnic_id_stage) -> execute
 * (bpfnic_ex_stage) -> writeback (bpfnic_wb_stage). A control port reads and writes the
 * instruction memory, context, stack and packet buffer while the core is idle or waiting on a
 * helper call. start_i runs one packet: the stack rows written by the previous packet are scrubbed
 * to zero, registers reset (r1, r2 from the arguments, r10 the frame top), and the program runs
 * until an exit at frame depth 0, an exiting helper, or a trap (error counter, trap cause).
 */
`include "bpfnic_assert.svh"

module bpfnic_core #(
  parameter int unsigned LANES      = 1,
  parameter int unsigned IMEM_DEPTH = 4096
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // Control port: one access per cycle, read data the next cycle. Byte addresses of the device
  // map; instruction slots at IMEM_BASE + bundle * 64 + lane * 8 (64-bit writes only).
  input  logic                 ctl_req_i,
  input  logic                 ctl_we_i,
  input  logic [31:0]          ctl_addr_i,
  input  logic [1:0]           ctl_width_i,
  input  logic [63:0]          ctl_wdata_i,
  output logic [63:0]          ctl_rdata_o,

  // Run control
  input  logic                 start_i,
  input  logic [31:0]          entry_pc_i,
  input  logic [31:0]          prog_len_i,
  input  logic [63:0]          arg_r1_i,
  input  logic [63:0]          arg_r2_i,
  output logic                 busy_o,
  output logic                 done_o,       // level: the last packet finished
  output logic                 trap_o,
  output logic [3:0]           trap_cause_o,
  output logic [63:0]          result_o,     // r0

  // Map unit port
  output logic                 ext_req_o,
  output logic                 ext_we_o,
  output logic [63:0]          ext_addr_o,
  output logic [1:0]           ext_width_o,
  output logic [63:0]          ext_wdata_o,
  output logic                 ext_atomic_o,
  output logic [7:0]           ext_atomic_op_o,
  output logic [63:0]          ext_cmp_o,
  input  logic                 ext_rvalid_i,
  input  logic [63:0]          ext_rdata_i,
  input  logic                 ext_err_i,

  // Helper port (one call per bundle, lane 0)
  output logic                 helper_req_o,
  output logic [31:0]          helper_id_o,
  output logic [5*64-1:0]      helper_args_o,
  input  logic                 helper_rvalid_i,
  input  logic [63:0]          helper_r0_i,
  input  logic                 helper_exit_i,
  input  logic                 helper_err_i,

  // Retire-trace port
  output logic [LANES-1:0]     rvfi_valid_o,
  output logic [LANES*32-1:0]  rvfi_pc_o,
  output logic [LANES*64-1:0]  rvfi_insn_o,
  output logic [LANES*4-1:0]   rvfi_dst_addr_o,
  output logic [LANES*64-1:0]  rvfi_dst_wdata_o,
  output logic [LANES-1:0]     rvfi_mem_valid_o,
  output logic [LANES-1:0]     rvfi_mem_write_o,
  output logic [LANES*64-1:0]  rvfi_mem_addr_o,
  output logic [LANES*64-1:0]  rvfi_mem_data_o,
  output logic [LANES*2-1:0]   rvfi_mem_width_o,
  output logic [LANES*4-1:0]   rvfi_trap_o,
  output logic [LANES-1:0]     rvfi_exit_o,

  // Performance and error counters
  output logic [63:0]          cnt_cycles_o,
  output logic [63:0]          cnt_bundles_o,
  output logic [63:0]          cnt_insns_o,
  output logic [63:0]          cnt_stall_load_use_o,
  output logic [63:0]          cnt_stall_div_o,
  output logic [63:0]          cnt_stall_helper_o,
  output logic [63:0]          cnt_stall_ext_o,
  output logic [63:0]          cnt_stall_atomic_o,
  output logic [63:0]          cnt_flush_o,
  output logic [63:0]          cnt_scrub_o,
  output logic [63:0]          cnt_packets_o,
  output logic [63:0]          cnt_errors_o
);

  localparam int unsigned DW         = bpfnic_pkg::DECODED_W;
  localparam int unsigned STACK_ROWS = bpfnic_pkg::STACK_BYTES / 8;
  localparam int unsigned SAW        = $clog2(bpfnic_pkg::STACK_BYTES);
  localparam int unsigned PAW        = $clog2(bpfnic_pkg::PKT_BYTES);
  localparam int unsigned IAW        = $clog2(IMEM_DEPTH);

  typedef enum logic [1:0] {
    CoreIdle,
    CoreScrub,
    CoreRun,
    CoreDone
  } core_state_e;

  core_state_e state_q, state_d;
  logic        halting_q, halting_d;
  logic [31:0] entry_q, entry_d;
  logic [63:0] r1_q, r1_d, r2_q, r2_d;
  logic        trap_q, trap_d;
  logic [3:0]  cause_q, cause_d;
  logic [8*bpfnic_pkg::CTX_BYTES-1:0] ctx_q, ctx_d;
  logic [STACK_ROWS-1:0] dirty_q, dirty_d;

  // Pipeline interconnect
  logic                    go;
  logic                    id_valid, id_pc_oob;
  logic [31:0]             id_pc, id_imm_hi;
  logic [LANES*64-1:0]     id_bundle;
  logic                    id_stall;
  logic                    ex_valid, ex_pc_oob;
  logic [31:0]             ex_pc;
  logic [LANES*64-1:0]     ex_insn, ex_a, ex_b;
  logic [LANES*DW-1:0]     ex_dec;
  logic [6*64-1:0]         ex_args;
  logic                    ex_stall, ex_redirect, ex_halt, ex_call;
  logic [31:0]             ex_redirect_pc;
  logic [2:0]              depth;
  logic [LANES-1:0]        ex_fwd_we;
  logic [LANES*4-1:0]      ex_fwd_reg;
  logic [LANES*64-1:0]     ex_fwd_data;
  logic                    ex_load_pending;
  logic [3:0]              ex_load_reg;
  logic                    ex_stack_req, ex_pkt_req, ex_mem_we;
  logic [63:0]             ex_mem_addr, ex_mem_wdata;
  logic [1:0]              ex_mem_width;
  logic                    stall_div, stall_helper, stall_ext, stall_atomic;
  logic                    wb_valid, wb_load, wb_load_pkt, wb_sx, wb_mem, wb_mem_write, wb_exit;
  logic [31:0]             wb_pc;
  logic [LANES*64-1:0]     wb_insn, wb_data;
  logic [LANES-1:0]        wb_we;
  logic [LANES*4-1:0]      wb_reg;
  logic [1:0]              wb_width;
  logic [63:0]             wb_mem_addr, wb_mem_wdata;
  logic [3:0]              wb_trap;
  logic [LANES-1:0]        rf_we;
  logic [LANES*4-1:0]      rf_waddr;
  logic [LANES*64-1:0]     rf_wdata;
  logic [11*64-1:0]        regs;
  logic                    wb_done, wb_trap_valid;
  logic [3:0]              wb_trap_cause;
  logic [63:0]             stack_rdata, pkt_rdata;

  // ---------------------------------------------------------------------------------------------
  // Control port decode
  // ---------------------------------------------------------------------------------------------
  logic ctl_ctx, ctl_stack, ctl_pkt, ctl_imem;
  logic ctl_allowed;
  always_comb begin
    ctl_ctx   = {32'h0, ctl_addr_i} >= bpfnic_pkg::CTX_BASE &&
                {32'h0, ctl_addr_i} < bpfnic_pkg::CTX_BASE + 64'(bpfnic_pkg::CTX_BYTES);
    ctl_stack = {32'h0, ctl_addr_i} >= bpfnic_pkg::STACK_BASE &&
                {32'h0, ctl_addr_i} < bpfnic_pkg::STACK_BASE + 64'(bpfnic_pkg::STACK_BYTES);
    ctl_pkt   = {32'h0, ctl_addr_i} >= bpfnic_pkg::PKT_BASE &&
                {32'h0, ctl_addr_i} < bpfnic_pkg::PKT_BASE + 64'(bpfnic_pkg::PKT_BYTES);
    ctl_imem  = {32'h0, ctl_addr_i} >= bpfnic_pkg::IMEM_BASE &&
                {32'h0, ctl_addr_i} < bpfnic_pkg::IMEM_BASE + 64'(IMEM_DEPTH * 64);
    ctl_allowed = ctl_req_i && (state_q == CoreIdle || state_q == CoreDone || helper_req_o);
  end

  // ---------------------------------------------------------------------------------------------
  // Run control, context, stack scrubbing
  // ---------------------------------------------------------------------------------------------
  // The lowest dirty row, found in two levels (a 16-bit group summary, then the 32 rows of the
  // first dirty group), each by binary search: a flat 512-way priority encoder costs a 512-step
  // loop on every simulated cycle.
  localparam int unsigned GROUPS = STACK_ROWS / 32;
  logic                 scrub_any;
  logic [SAW-4:0]       scrub_row;
  logic [GROUPS-1:0]    group_dirty;
  logic [3:0]           scrub_grp;
  logic [4:0]           scrub_bit;
  logic [15:0]          grp_scan;
  logic [31:0]          row_scan;
  always_comb begin
    for (int g = 0; g < (GROUPS); g++) group_dirty[g] = |dirty_q[g*32 +: 32];
    scrub_any = |group_dirty;
    grp_scan  = group_dirty;
    scrub_grp = 4'h0;
    if (grp_scan[7:0] == 8'h0) begin scrub_grp[3] = 1'b1; grp_scan = {8'h0, grp_scan[15:8]}; end
    if (grp_scan[3:0] == 4'h0) begin scrub_grp[2] = 1'b1; grp_scan = {4'h0, grp_scan[15:4]}; end
    if (grp_scan[1:0] == 2'h0) begin scrub_grp[1] = 1'b1; grp_scan = {2'h0, grp_scan[15:2]}; end
    if (!grp_scan[0]) scrub_grp[0] = 1'b1;
    row_scan  = dirty_q[{5'h0, scrub_grp} * 32 +: 32];
    scrub_bit = 5'h0;
    if (row_scan[15:0] == 16'h0) begin scrub_bit[4] = 1'b1; row_scan = {16'h0, row_scan[31:16]}; end
    if (row_scan[7:0] == 8'h0) begin scrub_bit[3] = 1'b1; row_scan = {8'h0, row_scan[31:8]}; end
    if (row_scan[3:0] == 4'h0) begin scrub_bit[2] = 1'b1; row_scan = {4'h0, row_scan[31:4]}; end
    if (row_scan[1:0] == 2'h0) begin scrub_bit[1] = 1'b1; row_scan = {2'h0, row_scan[31:2]}; end
    if (!row_scan[0]) scrub_bit[0] = 1'b1;
    scrub_row = {scrub_grp, scrub_bit};
  end

  always_comb begin
    state_d   = state_q;
    halting_d = halting_q;
    entry_d   = entry_q;
    r1_d      = r1_q;
    r2_d      = r2_q;
    trap_d    = trap_q;
    cause_d   = cause_q;
    ctx_d     = ctx_q;
    dirty_d   = dirty_q;
    go        = 1'b0;

    if (ctl_allowed && ctl_we_i && ctl_ctx) begin
      for (int i = 0; i < 8; i++) begin
        if (i < (bpfnic_pkg::width_bytes(ctl_width_i)) &&
            {27'h0, ctl_addr_i[4:0]} + i < (bpfnic_pkg::CTX_BYTES)) begin
          ctx_d[8*({27'h0, ctl_addr_i[4:0]} + i) +: 8] = ctl_wdata_i[8*i +: 8];
        end
      end
    end

    // Stack rows written by the program, or through the control port (helper output buffers),
    // are scrubbed before the next packet.
    if (ex_stack_req && ex_mem_we) begin
      dirty_d[ex_mem_addr[SAW-1:3]] = 1'b1;
      dirty_d[ex_mem_addr[SAW-1:3] + (SAW-3)'(1)] = 1'b1;
    end
    if (ctl_allowed && ctl_we_i && ctl_stack) begin
      dirty_d[ctl_addr_i[SAW-1:3]] = 1'b1;
      dirty_d[ctl_addr_i[SAW-1:3] + (SAW-3)'(1)] = 1'b1;
    end

    unique case (state_q)
      // CoreIdle / CoreDone: wait for a packet.
      CoreIdle, CoreDone: begin
        if (start_i) begin
          entry_d   = entry_pc_i;
          r1_d      = arg_r1_i;
          r2_d      = arg_r2_i;
          trap_d    = 1'b0;
          cause_d   = bpfnic_pkg::TRAP_NONE;
          state_d   = CoreScrub;
        end
      end
      // CoreScrub: zero one dirty stack row per cycle, then launch the pipeline.
      CoreScrub: begin
        if (scrub_any) begin
          dirty_d[scrub_row] = 1'b0;
        end else begin
          go        = 1'b1;
          halting_d = 1'b0;
          state_d   = CoreRun;
        end
      end
      // CoreRun: the pipeline executes until writeback retires the end of the program.
      CoreRun: begin
        if (ex_halt) halting_d = 1'b1;
        if (wb_done) begin
          trap_d  = wb_trap_valid;
          cause_d = wb_trap_cause;
          state_d = CoreDone;
        end
      end
      default: state_d = CoreIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= CoreIdle;
      halting_q <= 1'b0;
      entry_q   <= 32'h0;
      r1_q      <= 64'h0;
      r2_q      <= 64'h0;
      trap_q    <= 1'b0;
      cause_q   <= 4'h0;
      ctx_q     <= '0;
      // The memories keep their contents through a reset: every row is scrubbed once after it.
      dirty_q   <= '1;
    end else begin
      state_q   <= state_d;
      halting_q <= halting_d;
      entry_q   <= entry_d;
      r1_q      <= r1_d;
      r2_q      <= r2_d;
      trap_q    <= trap_d;
      cause_q   <= cause_d;
      ctx_q     <= ctx_d;
      dirty_q   <= dirty_d;
    end
  end

  assign busy_o       = state_q == CoreScrub || state_q == CoreRun;
  assign done_o       = state_q == CoreDone;
  assign trap_o       = trap_q;
  assign trap_cause_o = cause_q;
  assign result_o     = regs[63:0];

  // ---------------------------------------------------------------------------------------------
  // Pipeline
  // ---------------------------------------------------------------------------------------------
  logic run_fetch;
  assign run_fetch = state_q == CoreRun && !halting_q;

  bpfnic_if_stage #(
    .LANES(LANES),
    .DEPTH(IMEM_DEPTH)
  ) u_if_stage (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .start_i        (go),
    .entry_pc_i     (entry_q),
    .run_i          (run_fetch),
    .prog_len_i     (prog_len_i),
    .stall_i        (id_stall),
    .redirect_i     (ex_redirect),
    .redirect_pc_i  (ex_redirect_pc),
    .flush_i        (ex_halt),
    .imem_we_i      (ctl_allowed && ctl_we_i && ctl_imem),
    .imem_waddr_i   (ctl_addr_i[IAW+5:6]),
    .imem_wlane_i   (ctl_addr_i[5:3]),
    .imem_wdata_i   (ctl_wdata_i),
    .id_valid_o     (id_valid),
    .id_pc_o        (id_pc),
    .id_pc_oob_o    (id_pc_oob),
    .id_bundle_o    (id_bundle),
    .id_imm_hi_o    (id_imm_hi)
  );

  logic id_load_use;
  assign id_stall = ex_stall || id_load_use;

  bpfnic_id_stage #(
    .LANES(LANES)
  ) u_id_stage (
    .clk_i             (clk_i),
    .rst_ni            (rst_ni),
    .id_valid_i        (id_valid && run_fetch),
    .id_pc_i           (id_pc),
    .id_pc_oob_i       (id_pc_oob),
    .id_bundle_i       (id_bundle),
    .id_imm_hi_i       (id_imm_hi),
    .ctx_i             (ctx_q),
    .regs_i            (regs),
    .ex_fwd_we_i       (ex_fwd_we),
    .ex_fwd_reg_i      (ex_fwd_reg),
    .ex_fwd_data_i     (ex_fwd_data),
    .ex_load_pending_i (ex_load_pending),
    .ex_load_reg_i     (ex_load_reg),
    .wb_fwd_we_i       (rf_we),
    .wb_fwd_reg_i      (rf_waddr),
    .wb_fwd_data_i     (rf_wdata),
    .ex_stall_i        (ex_stall),
    .flush_i           (ex_redirect || ex_halt || go),
    .stall_o           (id_load_use),
    .ex_valid_o        (ex_valid),
    .ex_pc_o           (ex_pc),
    .ex_pc_oob_o       (ex_pc_oob),
    .ex_insn_o         (ex_insn),
    .ex_dec_o          (ex_dec),
    .ex_a_o            (ex_a),
    .ex_b_o            (ex_b),
    .ex_args_o         (ex_args)
  );

  bpfnic_ex_stage #(
    .LANES(LANES)
  ) u_ex_stage (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .start_i         (go),
    .ex_valid_i      (ex_valid && state_q == CoreRun),
    .ex_pc_i         (ex_pc),
    .ex_pc_oob_i     (ex_pc_oob),
    .ex_insn_i       (ex_insn),
    .ex_dec_i        (ex_dec),
    .ex_a_i          (ex_a),
    .ex_b_i          (ex_b),
    .ex_args_i       (ex_args),
    .ctx_i           (ctx_q),
    .stall_o         (ex_stall),
    .redirect_o      (ex_redirect),
    .redirect_pc_o   (ex_redirect_pc),
    .halt_o          (ex_halt),
    .depth_o         (depth),
    .call_o          (ex_call),
    .fwd_we_o        (ex_fwd_we),
    .fwd_reg_o       (ex_fwd_reg),
    .fwd_data_o      (ex_fwd_data),
    .load_pending_o  (ex_load_pending),
    .load_reg_o      (ex_load_reg),
    .stack_req_o     (ex_stack_req),
    .pkt_req_o       (ex_pkt_req),
    .mem_we_o        (ex_mem_we),
    .mem_addr_o      (ex_mem_addr),
    .mem_width_o     (ex_mem_width),
    .mem_wdata_o     (ex_mem_wdata),
    .stack_rdata_i   (stack_rdata),
    .pkt_rdata_i     (pkt_rdata),
    .ext_req_o       (ext_req_o),
    .ext_we_o        (ext_we_o),
    .ext_addr_o      (ext_addr_o),
    .ext_width_o     (ext_width_o),
    .ext_wdata_o     (ext_wdata_o),
    .ext_atomic_o    (ext_atomic_o),
    .ext_atomic_op_o (ext_atomic_op_o),
    .ext_cmp_o       (ext_cmp_o),
    .ext_rvalid_i    (ext_rvalid_i),
    .ext_rdata_i     (ext_rdata_i),
    .ext_err_i       (ext_err_i),
    .helper_req_o    (helper_req_o),
    .helper_id_o     (helper_id_o),
    .helper_args_o   (helper_args_o),
    .helper_rvalid_i (helper_rvalid_i),
    .helper_r0_i     (helper_r0_i),
    .helper_exit_i   (helper_exit_i),
    .helper_err_i    (helper_err_i),
    .stall_div_o     (stall_div),
    .stall_helper_o  (stall_helper),
    .stall_ext_o     (stall_ext),
    .stall_atomic_o  (stall_atomic),
    .wb_valid_o      (wb_valid),
    .wb_pc_o         (wb_pc),
    .wb_insn_o       (wb_insn),
    .wb_we_o         (wb_we),
    .wb_reg_o        (wb_reg),
    .wb_data_o       (wb_data),
    .wb_load_o       (wb_load),
    .wb_load_pkt_o   (wb_load_pkt),
    .wb_width_o      (wb_width),
    .wb_sx_o         (wb_sx),
    .wb_mem_o        (wb_mem),
    .wb_mem_write_o  (wb_mem_write),
    .wb_mem_addr_o   (wb_mem_addr),
    .wb_mem_wdata_o  (wb_mem_wdata),
    .wb_exit_o       (wb_exit),
    .wb_trap_o       (wb_trap)
  );

  bpfnic_wb_stage #(
    .LANES(LANES)
  ) u_wb_stage (
    .wb_valid_i       (wb_valid && state_q == CoreRun),
    .wb_pc_i          (wb_pc),
    .wb_insn_i        (wb_insn),
    .wb_we_i          (wb_we),
    .wb_reg_i         (wb_reg),
    .wb_data_i        (wb_data),
    .wb_load_i        (wb_load),
    .wb_load_pkt_i    (wb_load_pkt),
    .wb_width_i       (wb_width),
    .wb_sx_i          (wb_sx),
    .wb_mem_i         (wb_mem),
    .wb_mem_write_i   (wb_mem_write),
    .wb_mem_addr_i    (wb_mem_addr),
    .wb_mem_wdata_i   (wb_mem_wdata),
    .wb_exit_i        (wb_exit),
    .wb_trap_i        (wb_trap),
    .stack_rdata_i    (stack_rdata),
    .pkt_rdata_i      (pkt_rdata),
    .rf_we_o          (rf_we),
    .rf_waddr_o       (rf_waddr),
    .rf_wdata_o       (rf_wdata),
    .done_o           (wb_done),
    .trap_o           (wb_trap_valid),
    .trap_cause_o     (wb_trap_cause),
    .rvfi_valid_o     (rvfi_valid_o),
    .rvfi_pc_o        (rvfi_pc_o),
    .rvfi_insn_o      (rvfi_insn_o),
    .rvfi_dst_addr_o  (rvfi_dst_addr_o),
    .rvfi_dst_wdata_o (rvfi_dst_wdata_o),
    .rvfi_mem_valid_o (rvfi_mem_valid_o),
    .rvfi_mem_write_o (rvfi_mem_write_o),
    .rvfi_mem_addr_o  (rvfi_mem_addr_o),
    .rvfi_mem_data_o  (rvfi_mem_data_o),
    .rvfi_mem_width_o (rvfi_mem_width_o),
    .rvfi_trap_o      (rvfi_trap_o),
    .rvfi_exit_o      (rvfi_exit_o)
  );

  bpfnic_regfile #(
    .LANES(LANES)
  ) u_regfile (
    .clk_i     (clk_i),
    .rst_ni    (rst_ni),
    .init_i    (go),
    .init_r1_i (r1_q),
    .init_r2_i (r2_q),
    .depth_i   (depth),
    .call_i    (ex_call),
    .we_i      (rf_we),
    .waddr_i   (rf_waddr),
    .wdata_i   (rf_wdata),
    .regs_o    (regs)
  );

  // ---------------------------------------------------------------------------------------------
  // Stack and packet buffer, shared by the pipeline, the control port and the scrubber
  // ---------------------------------------------------------------------------------------------
  logic            stack_req, stack_we, pkt_req, pkt_we;
  logic [SAW-1:0]  stack_addr;
  logic [PAW-1:0]  pkt_addr;
  logic [1:0]      stack_width, pkt_width;
  logic [63:0]     stack_wdata, pkt_wdata;

  always_comb begin
    stack_req   = ex_stack_req;
    stack_we    = ex_mem_we;
    stack_addr  = ex_mem_addr[SAW-1:0];
    stack_width = ex_mem_width;
    stack_wdata = ex_mem_wdata;
    pkt_req     = ex_pkt_req;
    pkt_we      = ex_mem_we;
    pkt_addr    = ex_mem_addr[PAW-1:0];
    pkt_width   = ex_mem_width;
    pkt_wdata   = ex_mem_wdata;
    if (state_q == CoreScrub && scrub_any) begin
      stack_req   = 1'b1;
      stack_we    = 1'b1;
      stack_addr  = {scrub_row, 3'b000};
      stack_width = bpfnic_pkg::W8;
      stack_wdata = 64'h0;
    end else if (ctl_allowed && ctl_stack) begin
      stack_req   = 1'b1;
      stack_we    = ctl_we_i;
      stack_addr  = SAW'(ctl_addr_i - 32'(bpfnic_pkg::STACK_BASE));
      stack_width = ctl_width_i;
      stack_wdata = ctl_wdata_i;
    end
    if (ctl_allowed && ctl_pkt) begin
      pkt_req   = 1'b1;
      pkt_we    = ctl_we_i;
      pkt_addr  = PAW'(ctl_addr_i - 32'(bpfnic_pkg::PKT_BASE));
      pkt_width = ctl_width_i;
      pkt_wdata = ctl_wdata_i;
    end
  end

  bpfnic_bytemem #(
    .BYTES(bpfnic_pkg::STACK_BYTES)
  ) u_stack (
    .clk_i   (clk_i),
    .req_i   (stack_req),
    .we_i    (stack_we),
    .addr_i  (stack_addr),
    .width_i (stack_width),
    .wdata_i (stack_wdata),
    .rdata_o (stack_rdata)
  );

  bpfnic_bytemem #(
    .BYTES(bpfnic_pkg::PKT_BYTES)
  ) u_pkt (
    .clk_i   (clk_i),
    .req_i   (pkt_req),
    .we_i    (pkt_we),
    .addr_i  (pkt_addr),
    .width_i (pkt_width),
    .wdata_i (pkt_wdata),
    .rdata_o (pkt_rdata)
  );

  // Control-port read data (one cycle later)
  logic [1:0]  ctl_sel_q, ctl_sel_d;
  logic [63:0] ctl_ctx_q, ctl_ctx_d;
  always_comb begin
    ctl_sel_d = ctl_sel_q;
    ctl_ctx_d = ctl_ctx_q;
    if (ctl_allowed && !ctl_we_i) begin
      ctl_sel_d = ctl_pkt ? 2'd2 : ctl_stack ? 2'd1 : 2'd0;
      ctl_ctx_d = 64'h0;
      for (int i = 0; i < 8; i++) begin
        if (ctl_ctx && {27'h0, ctl_addr_i[4:0]} + i < (bpfnic_pkg::CTX_BYTES)) begin
          ctl_ctx_d[8*i +: 8] = ctx_q[8*({27'h0, ctl_addr_i[4:0]} + i) +: 8];
        end
      end
    end
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ctl_sel_q <= 2'd0;
      ctl_ctx_q <= 64'h0;
    end else begin
      ctl_sel_q <= ctl_sel_d;
      ctl_ctx_q <= ctl_ctx_d;
    end
  end
  assign ctl_rdata_o = (ctl_sel_q == 2'd2) ? pkt_rdata : (ctl_sel_q == 2'd1) ? stack_rdata : ctl_ctx_q;

  // ---------------------------------------------------------------------------------------------
  // Counters
  // ---------------------------------------------------------------------------------------------
  logic [63:0] cnt_q [12];
  logic [63:0] cnt_d [12];
  logic [3:0]  insns_retired;
  always_comb begin
    insns_retired = 4'h0;
    for (int l = 0; l < (LANES); l++) insns_retired = insns_retired + {3'h0, rvfi_valid_o[l]};
    for (int i = 0; i < 12; i++) cnt_d[i] = cnt_q[i];
    if (state_q == CoreRun) cnt_d[0] = cnt_q[0] + 64'd1;
    if (wb_valid && state_q == CoreRun) cnt_d[1] = cnt_q[1] + 64'd1;
    cnt_d[2] = cnt_q[2] + {60'h0, insns_retired};
    if (state_q == CoreRun && id_load_use && !ex_stall) cnt_d[3] = cnt_q[3] + 64'd1;
    if (stall_div) cnt_d[4] = cnt_q[4] + 64'd1;
    if (stall_helper) cnt_d[5] = cnt_q[5] + 64'd1;
    if (stall_ext) cnt_d[6] = cnt_q[6] + 64'd1;
    if (stall_atomic) cnt_d[7] = cnt_q[7] + 64'd1;
    if (ex_redirect) cnt_d[8] = cnt_q[8] + 64'd1;
    if (state_q == CoreScrub) cnt_d[9] = cnt_q[9] + 64'd1;
    if (wb_done && state_q == CoreRun) cnt_d[10] = cnt_q[10] + 64'd1;
    if (wb_done && wb_trap_valid && state_q == CoreRun) cnt_d[11] = cnt_q[11] + 64'd1;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < 12; i++) cnt_q[i] <= 64'h0;
    end else begin
      for (int i = 0; i < 12; i++) cnt_q[i] <= cnt_d[i];
    end
  end
  assign cnt_cycles_o         = cnt_q[0];
  assign cnt_bundles_o        = cnt_q[1];
  assign cnt_insns_o          = cnt_q[2];
  assign cnt_stall_load_use_o = cnt_q[3];
  assign cnt_stall_div_o      = cnt_q[4];
  assign cnt_stall_helper_o   = cnt_q[5];
  assign cnt_stall_ext_o      = cnt_q[6];
  assign cnt_stall_atomic_o   = cnt_q[7];
  assign cnt_flush_o          = cnt_q[8];
  assign cnt_scrub_o          = cnt_q[9];
  assign cnt_packets_o        = cnt_q[10];
  assign cnt_errors_o         = cnt_q[11];

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicCoreLanes, LANES >= 1 && LANES <= 8)
  `ASSERT_INIT(BpfnicCoreImemDepth, IMEM_DEPTH >= 2 && (IMEM_DEPTH & (IMEM_DEPTH - 1)) == 0)
  // The scrubber's two-level search is sized for 16 groups of 32 stack rows.
  `ASSERT_INIT(BpfnicCoreScrubRows, STACK_ROWS == 512)
  `ASSERT_KNOWN(BpfnicCoreStateKnown, state_q, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicCoreDoneKnown, done_o, clk_i, !rst_ni)
  // The control port never races the pipeline for a memory.
  `ASSERT(BpfnicCoreCtlNoRace, !(ctl_allowed && (ex_stack_req || ex_pkt_req)), clk_i, !rst_ni)
  `ASSERT(BpfnicCoreCtlOnlyWhenAllowed, !ctl_req_i || ctl_allowed, clk_i, !rst_ni)
  // start_i is only accepted while idle.
  `ASSERT(BpfnicCoreStartWhenIdle, !start_i || !busy_o, clk_i, !rst_ni)
  // Nothing retires outside a run.
  `ASSERT(BpfnicCoreRetireInRun, !(|rvfi_valid_o) || state_q == CoreRun, clk_i, !rst_ni)

endmodule
