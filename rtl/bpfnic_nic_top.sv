// SPDX-License-Identifier: MIT
// bpfnic_nic_top: bpfnic_core with its NIC interfaces: AXI4-Lite control and status, AXI4-Stream
// packet in and out, the packet sequencer, and the core's map unit, helper and retire-trace ports
// passed through to the shell.

/**
 * The core's control port has one user per cycle: while the core waits on a helper call, the
 * helper unit (hctl_*, for its memory arguments); otherwise the unit the sequencer names: the
 * packet-in unit while a frame is received, the packet-out unit while one is sent, and the
 * register window when the sequencer is idle. Counters at AXI4-Lite offset 0x400: the core's
 * twelve, four reserved (zero), then the sequencer's nine at 0x480 (docs/register-map.md).
 */
`include "bpfnic_assert.svh"

module bpfnic_nic_top #(
  parameter int unsigned LANES      = 4,
  parameter int unsigned IMEM_DEPTH = 4096,
  parameter int unsigned HEADROOM   = 256,
  parameter int unsigned MAX_FRAME  = 9216
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // AXI4-Lite control and status
  input  logic [11:0]          s_axil_awaddr_i,
  input  logic                 s_axil_awvalid_i,
  output logic                 s_axil_awready_o,
  input  logic [31:0]          s_axil_wdata_i,
  input  logic [3:0]           s_axil_wstrb_i,
  input  logic                 s_axil_wvalid_i,
  output logic                 s_axil_wready_o,
  output logic [1:0]           s_axil_bresp_o,
  output logic                 s_axil_bvalid_o,
  input  logic                 s_axil_bready_i,
  input  logic [11:0]          s_axil_araddr_i,
  input  logic                 s_axil_arvalid_i,
  output logic                 s_axil_arready_o,
  output logic [31:0]          s_axil_rdata_o,
  output logic [1:0]           s_axil_rresp_o,
  output logic                 s_axil_rvalid_o,
  input  logic                 s_axil_rready_i,

  // AXI4-Stream packet in (tuser: ingress port)
  input  logic [63:0]          s_axis_tdata_i,
  input  logic [7:0]           s_axis_tkeep_i,
  input  logic                 s_axis_tlast_i,
  input  logic [7:0]           s_axis_tuser_i,
  input  logic                 s_axis_tvalid_i,
  output logic                 s_axis_tready_o,

  // AXI4-Stream packet out (tuser: {verdict, ingress port})
  output logic [63:0]          m_axis_tdata_o,
  output logic [7:0]           m_axis_tkeep_o,
  output logic                 m_axis_tlast_o,
  output logic [10:0]          m_axis_tuser_o,
  output logic                 m_axis_tvalid_o,
  input  logic                 m_axis_tready_i,

  // Map unit port (to the shell's map unit)
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

  // Helper port, and the helper unit's access to core memory during a call
  output logic                 helper_req_o,
  output logic [31:0]          helper_id_o,
  output logic [5*64-1:0]      helper_args_o,
  input  logic                 helper_rvalid_i,
  input  logic [63:0]          helper_r0_i,
  input  logic                 helper_exit_i,
  input  logic                 helper_err_i,
  input  logic                 hctl_req_i,
  input  logic                 hctl_we_i,
  input  logic [31:0]          hctl_addr_i,
  input  logic [1:0]           hctl_width_i,
  input  logic [63:0]          hctl_wdata_i,
  output logic [63:0]          hctl_rdata_o,

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

  output logic                 busy_o          // a frame is in the NIC
);

  localparam int unsigned NCNT = 25;   // 12 core, 4 reserved, 9 sequencer

  // Register block
  logic        enable, win_req, win_we, win_gnt;
  logic [31:0] prog_len, entry_pc, ifindex_base, win_addr;
  logic [1:0]  win_width;
  logic [63:0] win_wdata;

  // Units
  logic        rx_arm, rx_busy, rx_frame_valid, rx_too_big, rx_req, rx_gnt;
  logic [15:0] rx_len;
  logic [7:0]  rx_port;
  logic [31:0] rx_addr;
  logic [1:0]  rx_width;
  logic [63:0] rx_wdata;
  logic        tx_start, tx_busy, tx_done, tx_bad, tx_req, tx_gnt;
  logic [2:0]  tx_verdict;
  logic [7:0]  tx_port;
  logic [31:0] tx_addr;
  logic [1:0]  tx_width;
  logic        own_rx, own_tx, own_win, seq_busy;
  logic [9*64-1:0] seq_cnt;

  // Core
  logic        core_start, core_busy, core_done, core_trap;
  logic [3:0]  core_cause;
  logic [63:0] core_result, ctl_rdata;
  logic        ctl_req, ctl_we;
  logic [31:0] ctl_addr;
  logic [1:0]  ctl_width;
  logic [63:0] ctl_wdata;
  logic [12*64-1:0] core_cnt;

  // ---------------------------------------------------------------------------------------------
  // Control-port arbitration
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    rx_gnt    = 1'b0;
    tx_gnt    = 1'b0;
    win_gnt   = 1'b0;
    ctl_req   = 1'b0;
    ctl_we    = 1'b0;
    ctl_addr  = '0;
    ctl_width = '0;
    ctl_wdata = '0;
    if (helper_req_o) begin
      ctl_req   = hctl_req_i;
      ctl_we    = hctl_we_i;
      ctl_addr  = hctl_addr_i;
      ctl_width = hctl_width_i;
      ctl_wdata = hctl_wdata_i;
    end else if (own_rx) begin
      rx_gnt    = rx_req;
      ctl_req   = rx_req;
      ctl_we    = 1'b1;
      ctl_addr  = rx_addr;
      ctl_width = rx_width;
      ctl_wdata = rx_wdata;
    end else if (own_tx) begin
      tx_gnt    = tx_req;
      ctl_req   = tx_req;
      ctl_addr  = tx_addr;
      ctl_width = tx_width;
    end else if (own_win && !core_busy) begin
      win_gnt   = win_req;
      ctl_req   = win_req;
      ctl_we    = win_we;
      ctl_addr  = win_addr;
      ctl_width = win_width;
      ctl_wdata = win_wdata;
    end
  end
  assign hctl_rdata_o = ctl_rdata;

  bpfnic_axil_regs #(
    .LANES      (LANES),
    .IMEM_DEPTH (IMEM_DEPTH),
    .NCNT       (NCNT)
  ) u_regs (
    .clk_i,
    .rst_ni,
    .s_awaddr_i        (s_axil_awaddr_i),
    .s_awvalid_i       (s_axil_awvalid_i),
    .s_awready_o       (s_axil_awready_o),
    .s_wdata_i         (s_axil_wdata_i),
    .s_wstrb_i         (s_axil_wstrb_i),
    .s_wvalid_i        (s_axil_wvalid_i),
    .s_wready_o        (s_axil_wready_o),
    .s_bresp_o         (s_axil_bresp_o),
    .s_bvalid_o        (s_axil_bvalid_o),
    .s_bready_i        (s_axil_bready_i),
    .s_araddr_i        (s_axil_araddr_i),
    .s_arvalid_i       (s_axil_arvalid_i),
    .s_arready_o       (s_axil_arready_o),
    .s_rdata_o         (s_axil_rdata_o),
    .s_rresp_o         (s_axil_rresp_o),
    .s_rvalid_o        (s_axil_rvalid_o),
    .s_rready_i        (s_axil_rready_i),
    .enable_o          (enable),
    .prog_len_o        (prog_len),
    .entry_pc_o        (entry_pc),
    .ifindex_base_o    (ifindex_base),
    .win_req_o         (win_req),
    .win_we_o          (win_we),
    .win_addr_o        (win_addr),
    .win_width_o       (win_width),
    .win_wdata_o       (win_wdata),
    .win_gnt_i         (win_gnt),
    .win_rdata_i       (ctl_rdata),
    .core_busy_i       (core_busy),
    .core_done_i       (core_done),
    .core_trap_i       (core_trap),
    .core_trap_cause_i (core_cause),
    .core_result_i     (core_result),
    .seq_busy_i        (seq_busy),
    .cnt_i             ({seq_cnt, 256'h0, core_cnt})
  );

  bpfnic_axis_rx #(
    .HEADROOM  (HEADROOM),
    .MAX_FRAME (MAX_FRAME)
  ) u_rx (
    .clk_i,
    .rst_ni,
    .arm_i           (rx_arm),
    .ifindex_base_i  (ifindex_base),
    .s_tdata_i       (s_axis_tdata_i),
    .s_tkeep_i       (s_axis_tkeep_i),
    .s_tlast_i       (s_axis_tlast_i),
    .s_tuser_i       (s_axis_tuser_i),
    .s_tvalid_i      (s_axis_tvalid_i),
    .s_tready_o      (s_axis_tready_o),
    .ctl_req_o       (rx_req),
    .ctl_addr_o      (rx_addr),
    .ctl_width_o     (rx_width),
    .ctl_wdata_o     (rx_wdata),
    .ctl_gnt_i       (rx_gnt),
    .busy_o          (rx_busy),
    .frame_valid_o   (rx_frame_valid),
    .frame_len_o     (rx_len),
    .frame_too_big_o (rx_too_big),
    .frame_port_o    (rx_port)
  );

  bpfnic_axis_tx u_tx (
    .clk_i,
    .rst_ni,
    .start_i     (tx_start),
    .verdict_i   (tx_verdict),
    .port_i      (tx_port),
    .ctl_req_o   (tx_req),
    .ctl_addr_o  (tx_addr),
    .ctl_width_o (tx_width),
    .ctl_gnt_i   (tx_gnt),
    .ctl_rdata_i (ctl_rdata),
    .m_tdata_o   (m_axis_tdata_o),
    .m_tkeep_o   (m_axis_tkeep_o),
    .m_tlast_o   (m_axis_tlast_o),
    .m_tuser_o   (m_axis_tuser_o),
    .m_tvalid_o  (m_axis_tvalid_o),
    .m_tready_i  (m_axis_tready_i),
    .busy_o      (tx_busy),
    .done_o      (tx_done),
    .bad_o       (tx_bad)
  );

  bpfnic_nic_seq u_seq (
    .clk_i,
    .rst_ni,
    .enable_i         (enable),
    .prog_len_i       (prog_len),
    .win_req_i        (win_req),
    .rx_arm_o         (rx_arm),
    .rx_busy_i        (rx_busy),
    .rx_frame_valid_i (rx_frame_valid),
    .rx_len_i         (rx_len),
    .rx_too_big_i     (rx_too_big),
    .rx_port_i        (rx_port),
    .core_start_o     (core_start),
    .core_busy_i      (core_busy),
    .core_done_i      (core_done),
    .core_trap_i      (core_trap),
    .core_verdict_i   (core_result[31:0]),
    .tx_start_o       (tx_start),
    .tx_verdict_o     (tx_verdict),
    .tx_port_o        (tx_port),
    .tx_done_i        (tx_done),
    .own_rx_o         (own_rx),
    .own_tx_o         (own_tx),
    .own_win_o        (own_win),
    .busy_o           (seq_busy),
    .cnt_o            (seq_cnt)
  );

  bpfnic_core #(
    .LANES      (LANES),
    .IMEM_DEPTH (IMEM_DEPTH)
  ) u_core (
    .clk_i,
    .rst_ni,
    .ctl_req_i            (ctl_req),
    .ctl_we_i             (ctl_we),
    .ctl_addr_i           (ctl_addr),
    .ctl_width_i          (ctl_width),
    .ctl_wdata_i          (ctl_wdata),
    .ctl_rdata_o          (ctl_rdata),
    .start_i              (core_start),
    .entry_pc_i           (entry_pc),
    .prog_len_i           (prog_len),
    .arg_r1_i             (64'(bpfnic_pkg::CTX_BASE)),
    .arg_r2_i             (64'h0),
    .busy_o               (core_busy),
    .done_o               (core_done),
    .trap_o               (core_trap),
    .trap_cause_o         (core_cause),
    .result_o             (core_result),
    .ext_req_o,
    .ext_we_o,
    .ext_addr_o,
    .ext_width_o,
    .ext_wdata_o,
    .ext_atomic_o,
    .ext_atomic_op_o,
    .ext_cmp_o,
    .ext_rvalid_i,
    .ext_rdata_i,
    .ext_err_i,
    .helper_req_o,
    .helper_id_o,
    .helper_args_o,
    .helper_rvalid_i,
    .helper_r0_i,
    .helper_exit_i,
    .helper_err_i,
    .rvfi_valid_o,
    .rvfi_pc_o,
    .rvfi_insn_o,
    .rvfi_dst_addr_o,
    .rvfi_dst_wdata_o,
    .rvfi_mem_valid_o,
    .rvfi_mem_write_o,
    .rvfi_mem_addr_o,
    .rvfi_mem_data_o,
    .rvfi_mem_width_o,
    .rvfi_trap_o,
    .rvfi_exit_o,
    .cnt_cycles_o         (core_cnt[64*0 +: 64]),
    .cnt_bundles_o        (core_cnt[64*1 +: 64]),
    .cnt_insns_o          (core_cnt[64*2 +: 64]),
    .cnt_stall_load_use_o (core_cnt[64*3 +: 64]),
    .cnt_stall_div_o      (core_cnt[64*4 +: 64]),
    .cnt_stall_helper_o   (core_cnt[64*5 +: 64]),
    .cnt_stall_ext_o      (core_cnt[64*6 +: 64]),
    .cnt_stall_atomic_o   (core_cnt[64*7 +: 64]),
    .cnt_flush_o          (core_cnt[64*8 +: 64]),
    .cnt_scrub_o          (core_cnt[64*9 +: 64]),
    .cnt_packets_o        (core_cnt[64*10 +: 64]),
    .cnt_errors_o         (core_cnt[64*11 +: 64])
  );

  assign busy_o = seq_busy || rx_busy || tx_busy;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicNicTopLanes, LANES >= 1 && LANES <= 8)
  // Packet out: a bad context range is reported, and a frame never starts while one is sent.
  `ASSERT(BpfnicNicTopTxStartIdle, tx_start |-> !tx_busy, clk_i, !rst_ni)
  `ASSERT(BpfnicNicTopOneGrant, $onehot0({rx_gnt, tx_gnt, win_gnt}), clk_i, !rst_ni)
  `ASSERT(BpfnicNicTopNoCtlWhileRunning, ctl_req |-> !core_busy || helper_req_o, clk_i, !rst_ni)
  `ASSERT(BpfnicNicTopTxBadQuiet, tx_done && tx_bad |-> !m_axis_tvalid_o, clk_i, !rst_ni)

endmodule
