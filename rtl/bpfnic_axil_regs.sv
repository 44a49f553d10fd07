// SPDX-License-Identifier: MIT
// bpfnic_axil_regs: the AXI4-Lite register block of the NIC top: identification, control and
// status, run control, a window onto the core's control port, and the 64-bit counters.

/**
 * One outstanding write (address and data accepted together) and one outstanding read; every
 * access completes with OKAY (unassigned offsets read as zero and ignore writes). Offsets follow
 * docs/register-map.md (the core block: the same offsets as the card's BAR0 where both have the
 * register). The control-port window: write CTL_ADDR and CTL_WDATA_LO/HI, then CTL_CMD (bit 0
 * write, bits 2:1 log2 width) issues one access once the top grants it (STATUS.WIN_BUSY until
 * then); a read's data lands in CTL_RDATA_LO/HI. Counters are read as two 32-bit words.
 */
`include "bpfnic_assert.svh"

module bpfnic_axil_regs #(
  parameter int unsigned LANES      = 1,
  parameter int unsigned IMEM_DEPTH = 4096,
  parameter int unsigned NCNT       = 19       // 64-bit counters: 12 of the core, then the NIC's
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // AXI4-Lite slave
  input  logic [11:0]          s_awaddr_i,
  input  logic                 s_awvalid_i,
  output logic                 s_awready_o,
  input  logic [31:0]          s_wdata_i,
  input  logic [3:0]           s_wstrb_i,
  input  logic                 s_wvalid_i,
  output logic                 s_wready_o,
  output logic [1:0]           s_bresp_o,
  output logic                 s_bvalid_o,
  input  logic                 s_bready_i,
  input  logic [11:0]          s_araddr_i,
  input  logic                 s_arvalid_i,
  output logic                 s_arready_o,
  output logic [31:0]          s_rdata_o,
  output logic [1:0]           s_rresp_o,
  output logic                 s_rvalid_o,
  input  logic                 s_rready_i,

  // Configuration toward the top
  output logic                 enable_o,
  output logic [31:0]          prog_len_o,
  output logic [31:0]          entry_pc_o,
  output logic [31:0]          ifindex_base_o,

  // Control-port window (the top grants it when the core's port is free)
  output logic                 win_req_o,
  output logic                 win_we_o,
  output logic [31:0]          win_addr_o,
  output logic [1:0]           win_width_o,
  output logic [63:0]          win_wdata_o,
  input  logic                 win_gnt_i,
  input  logic [63:0]          win_rdata_i,     // the cycle after a granted read

  // Status
  input  logic                 core_busy_i,
  input  logic                 core_done_i,
  input  logic                 core_trap_i,
  input  logic [3:0]           core_trap_cause_i,
  input  logic [63:0]          core_result_i,
  input  logic                 seq_busy_i,
  input  logic [NCNT*64-1:0]   cnt_i
);

  localparam logic [31:0] ID_MAGIC = 32'h4250_464E;   // "BPFN"
  localparam logic [31:0] VERSION  = 32'h0001_0000;

  // Register offsets (byte addresses in the block)
  localparam logic [11:0] RegId         = 12'h000;
  localparam logic [11:0] RegVersion    = 12'h004;
  localparam logic [11:0] RegCaps       = 12'h008;
  localparam logic [11:0] RegImemDepth  = 12'h00C;
  localparam logic [11:0] RegCtrl       = 12'h010;
  localparam logic [11:0] RegStatus     = 12'h014;
  localparam logic [11:0] RegProgLen    = 12'h028;
  localparam logic [11:0] RegEntryPc    = 12'h02C;
  localparam logic [11:0] RegIfindex    = 12'h038;
  localparam logic [11:0] RegResultLo   = 12'h060;
  localparam logic [11:0] RegResultHi   = 12'h064;
  localparam logic [11:0] RegCtlAddr    = 12'h080;
  localparam logic [11:0] RegCtlCmd     = 12'h084;
  localparam logic [11:0] RegCtlWdataLo = 12'h088;
  localparam logic [11:0] RegCtlWdataHi = 12'h08C;
  localparam logic [11:0] RegCtlRdataLo = 12'h090;
  localparam logic [11:0] RegCtlRdataHi = 12'h094;
  localparam logic [11:0] RegCounters   = 12'h400;

  logic        enable_q, enable_d;
  logic [31:0] prog_len_q, prog_len_d;
  logic [31:0] entry_q, entry_d;
  logic [31:0] ifindex_q, ifindex_d;
  logic [31:0] ctl_addr_q, ctl_addr_d;
  logic [2:0]  ctl_cmd_q, ctl_cmd_d;
  logic [63:0] ctl_wdata_q, ctl_wdata_d;
  logic [63:0] ctl_rdata_q, ctl_rdata_d;
  logic        win_pend_q, win_pend_d;
  logic        win_rd_q, win_rd_d;       // a granted read: capture the data next cycle
  logic        bvalid_q, bvalid_d;
  logic        rvalid_q, rvalid_d;
  logic [31:0] rdata_q, rdata_d;

  // ---------------------------------------------------------------------------------------------
  // Write channel: address and data together, one response outstanding
  // ---------------------------------------------------------------------------------------------
  logic        wr_fire;
  logic [11:0] wr_off;
  logic [31:0] wmask;
  assign wr_fire     = s_awvalid_i && s_wvalid_i && !bvalid_q;
  assign s_awready_o = wr_fire;
  assign s_wready_o  = wr_fire;
  assign wr_off      = {s_awaddr_i[11:2], 2'b00};
  always_comb begin
    for (int b = 0; b < 4; b++) wmask[8*b +: 8] = {8{s_wstrb_i[b]}};
  end

  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] data,
                                        input logic [31:0] mask);
    merge = (old & ~mask) | (data & mask);
  endfunction

  always_comb begin
    enable_d    = enable_q;
    prog_len_d  = prog_len_q;
    entry_d     = entry_q;
    ifindex_d   = ifindex_q;
    ctl_addr_d  = ctl_addr_q;
    ctl_cmd_d   = ctl_cmd_q;
    ctl_wdata_d = ctl_wdata_q;
    ctl_rdata_d = ctl_rdata_q;
    win_pend_d  = win_pend_q;
    win_rd_d    = 1'b0;
    bvalid_d    = bvalid_q && !s_bready_i;

    if (win_pend_q && win_gnt_i) begin
      win_pend_d = 1'b0;
      win_rd_d   = !ctl_cmd_q[0];
    end
    if (win_rd_q) ctl_rdata_d = win_rdata_i;

    if (wr_fire) begin
      bvalid_d = 1'b1;
      unique case (wr_off)
        RegCtrl:       enable_d = (s_wdata_i[0] & s_wstrb_i[0]) | (enable_q & !s_wstrb_i[0]);
        RegProgLen:    prog_len_d = merge(prog_len_q, s_wdata_i, wmask);
        RegEntryPc:    entry_d = merge(entry_q, s_wdata_i, wmask);
        RegIfindex:    ifindex_d = merge(ifindex_q, s_wdata_i, wmask);
        RegCtlAddr:    ctl_addr_d = merge(ctl_addr_q, s_wdata_i, wmask);
        RegCtlWdataLo: ctl_wdata_d[31:0] = merge(ctl_wdata_q[31:0], s_wdata_i, wmask);
        RegCtlWdataHi: ctl_wdata_d[63:32] = merge(ctl_wdata_q[63:32], s_wdata_i, wmask);
        RegCtlCmd: begin
          if (!win_pend_q) begin
            ctl_cmd_d  = s_wdata_i[2:0];
            win_pend_d = 1'b1;
          end
        end
        default: ;  // read-only or unassigned
      endcase
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Read channel: registered data, one response outstanding
  // ---------------------------------------------------------------------------------------------
  logic        rd_fire;
  logic [11:0] rd_off;
  logic [31:0] cnt_word;
  assign rd_fire     = s_arvalid_i && !rvalid_q;
  assign s_arready_o = rd_fire;
  assign rd_off      = {s_araddr_i[11:2], 2'b00};

  always_comb begin
    cnt_word = '0;
    for (int c = 0; c < NCNT; c++) begin
      if (rd_off[11:3] == 9'(RegCounters[11:3] + 9'(c))) begin
        cnt_word = rd_off[2] ? cnt_i[64*c+32 +: 32] : cnt_i[64*c +: 32];
      end
    end
  end

  always_comb begin
    rvalid_d = rvalid_q && !s_rready_i;
    rdata_d  = rdata_q;
    if (rd_fire) begin
      rvalid_d = 1'b1;
      unique case (rd_off)
        RegId:         rdata_d = ID_MAGIC;
        RegVersion:    rdata_d = VERSION;
        RegCaps:       rdata_d = {16'h0, 8'd1, 8'(LANES)};
        RegImemDepth:  rdata_d = 32'(IMEM_DEPTH);
        RegCtrl:       rdata_d = {31'h0, enable_q};
        RegStatus:     rdata_d = {19'h0, seq_busy_i, core_trap_cause_i, core_trap_i, core_done_i,
                                  win_pend_q, 2'b00, prog_len_q != 32'h0, core_busy_i, enable_q};
        RegProgLen:    rdata_d = prog_len_q;
        RegEntryPc:    rdata_d = entry_q;
        RegIfindex:    rdata_d = ifindex_q;
        RegResultLo:   rdata_d = core_result_i[31:0];
        RegResultHi:   rdata_d = core_result_i[63:32];
        RegCtlAddr:    rdata_d = ctl_addr_q;
        RegCtlCmd:     rdata_d = {29'h0, ctl_cmd_q};
        RegCtlWdataLo: rdata_d = ctl_wdata_q[31:0];
        RegCtlWdataHi: rdata_d = ctl_wdata_q[63:32];
        RegCtlRdataLo: rdata_d = ctl_rdata_q[31:0];
        RegCtlRdataHi: rdata_d = ctl_rdata_q[63:32];
        default:       rdata_d = cnt_word;
      endcase
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      enable_q    <= 1'b0;
      prog_len_q  <= '0;
      entry_q     <= '0;
      ifindex_q   <= 32'd1;
      ctl_addr_q  <= '0;
      ctl_cmd_q   <= '0;
      ctl_wdata_q <= '0;
      ctl_rdata_q <= '0;
      win_pend_q  <= 1'b0;
      win_rd_q    <= 1'b0;
      bvalid_q    <= 1'b0;
      rvalid_q    <= 1'b0;
      rdata_q     <= '0;
    end else begin
      enable_q    <= enable_d;
      prog_len_q  <= prog_len_d;
      entry_q     <= entry_d;
      ifindex_q   <= ifindex_d;
      ctl_addr_q  <= ctl_addr_d;
      ctl_cmd_q   <= ctl_cmd_d;
      ctl_wdata_q <= ctl_wdata_d;
      ctl_rdata_q <= ctl_rdata_d;
      win_pend_q  <= win_pend_d;
      win_rd_q    <= win_rd_d;
      bvalid_q    <= bvalid_d;
      rvalid_q    <= rvalid_d;
      rdata_q     <= rdata_d;
    end
  end

  assign s_bvalid_o     = bvalid_q;
  assign s_bresp_o      = 2'b00;
  assign s_rvalid_o     = rvalid_q;
  assign s_rdata_o      = rdata_q;
  assign s_rresp_o      = 2'b00;
  assign enable_o       = enable_q;
  assign prog_len_o     = prog_len_q;
  assign entry_pc_o     = entry_q;
  assign ifindex_base_o = ifindex_q;
  assign win_req_o      = win_pend_q;
  assign win_we_o       = ctl_cmd_q[0];
  assign win_width_o    = ctl_cmd_q[2:1];
  assign win_addr_o     = ctl_addr_q;
  assign win_wdata_o    = ctl_wdata_q;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicAxilRegsCounters, NCNT >= 1 && NCNT <= 64)
  // AXI4-Lite: a response stays valid, with stable data, until it is accepted.
  `ASSERT(BpfnicAxilBvalidStable, s_bvalid_o && !s_bready_i |=> s_bvalid_o, clk_i, !rst_ni)
  `ASSERT(BpfnicAxilRvalidStable, s_rvalid_o && !s_rready_i |=> s_rvalid_o && $stable(s_rdata_o),
          clk_i, !rst_ni)
  `ASSERT(BpfnicAxilAwWTogether, s_awready_o == s_wready_o, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicAxilRvalidKnown, s_rvalid_o, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicAxilBvalidKnown, s_bvalid_o, clk_i, !rst_ni)

endmodule
