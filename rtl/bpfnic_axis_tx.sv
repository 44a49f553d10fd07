// SPDX-License-Identifier: MIT
// bpfnic_axis_tx: the packet-out unit: reads the frame the program left in the packet buffer
// (between xdp_md data and data_end) through the control port and sends it as AXI4-Stream.

/**
 * start_i begins a frame with its verdict (XDP_PASS, XDP_TX or XDP_REDIRECT) and ingress port,
 * which travel in tuser ({verdict[2:0], port[7:0]}) on every beat for the shell to route. The
 * unit first reads data/data_end from the context (one 64-bit read), checks that they bound a
 * non-empty range inside the packet buffer, then reads 8 bytes per beat (the read data arrives
 * the cycle after the grant) and holds each beat until the sink takes it. A bad range ends the
 * frame with nothing sent and bad_o set in the report.
 */
`include "bpfnic_assert.svh"

module bpfnic_axis_tx (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        start_i,
  input  logic [2:0]  verdict_i,
  input  logic [7:0]  port_i,

  // Control-port master (reads only)
  output logic        ctl_req_o,
  output logic [31:0] ctl_addr_o,
  output logic [1:0]  ctl_width_o,
  input  logic        ctl_gnt_i,
  input  logic [63:0] ctl_rdata_i,    // the cycle after a granted read

  // AXI4-Stream master
  output logic [63:0] m_tdata_o,
  output logic [7:0]  m_tkeep_o,
  output logic        m_tlast_o,
  output logic [10:0] m_tuser_o,
  output logic        m_tvalid_o,
  input  logic        m_tready_i,

  output logic        busy_o,
  output logic        done_o,         // one cycle: the frame is sent (or refused)
  output logic        bad_o           // with done_o: the context bounds were invalid
);

  localparam logic [31:0] PKT_LO = 32'(bpfnic_pkg::PKT_BASE);
  localparam logic [31:0] PKT_HI = 32'(bpfnic_pkg::PKT_BASE) + 32'(bpfnic_pkg::PKT_BYTES);

  typedef enum logic [2:0] {
    TxIdle,
    TxCtxRead,
    TxCtxWait,
    TxRead,
    TxWait,
    TxOut,
    TxDone
  } tx_state_e;

  tx_state_e   state_q, state_d;
  logic [31:0] addr_q, addr_d;      // next byte to read
  logic [31:0] end_q, end_d;        // data_end
  logic [2:0]  verdict_q, verdict_d;
  logic [7:0]  port_q, port_d;
  logic [63:0] data_q, data_d;
  logic [7:0]  keep_q, keep_d;
  logic        last_q, last_d;
  logic        bad_q, bad_d;

  logic [31:0] left;
  logic [31:0] ctx_data, ctx_end;
  assign left     = end_q - addr_q;
  assign ctx_data = ctl_rdata_i[31:0];
  assign ctx_end  = ctl_rdata_i[63:32];

  always_comb begin
    state_d     = state_q;
    addr_d      = addr_q;
    end_d       = end_q;
    verdict_d   = verdict_q;
    port_d      = port_q;
    data_d      = data_q;
    keep_d      = keep_q;
    last_d      = last_q;
    bad_d       = bad_q;
    ctl_req_o   = 1'b0;
    ctl_addr_o  = addr_q;
    ctl_width_o = 2'd3;

    unique case (state_q)
      TxIdle: begin
        if (start_i) begin
          verdict_d = verdict_i;
          port_d    = port_i;
          bad_d     = 1'b0;
          state_d   = TxCtxRead;
        end
      end
      TxCtxRead: begin
        ctl_req_o  = 1'b1;
        ctl_addr_o = 32'(bpfnic_pkg::CTX_BASE);
        if (ctl_gnt_i) state_d = TxCtxWait;
      end
      TxCtxWait: begin
        addr_d = ctx_data;
        end_d  = ctx_end;
        if (ctx_data >= ctx_end || ctx_data < PKT_LO || ctx_end > PKT_HI) begin
          bad_d   = 1'b1;
          state_d = TxDone;
        end else begin
          state_d = TxRead;
        end
      end
      TxRead: begin
        ctl_req_o = 1'b1;
        if (ctl_gnt_i) begin
          last_d  = left <= 32'd8;
          keep_d  = left >= 32'd8 ? 8'hff : 8'((16'd1 << left[2:0]) - 16'd1);
          addr_d  = addr_q + 32'd8;
          state_d = TxWait;
        end
      end
      TxWait: begin
        data_d  = ctl_rdata_i;
        state_d = TxOut;
      end
      TxOut: begin
        if (m_tready_i) state_d = last_q ? TxDone : TxRead;
      end
      TxDone:  state_d = TxIdle;
      default: state_d = TxIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= TxIdle;
      addr_q    <= '0;
      end_q     <= '0;
      verdict_q <= '0;
      port_q    <= '0;
      data_q    <= '0;
      keep_q    <= '0;
      last_q    <= 1'b0;
      bad_q     <= 1'b0;
    end else begin
      state_q   <= state_d;
      addr_q    <= addr_d;
      end_q     <= end_d;
      verdict_q <= verdict_d;
      port_q    <= port_d;
      data_q    <= data_d;
      keep_q    <= keep_d;
      last_q    <= last_d;
      bad_q     <= bad_d;
    end
  end

  assign m_tdata_o  = data_q;
  assign m_tkeep_o  = keep_q;
  assign m_tlast_o  = last_q;
  assign m_tuser_o  = {verdict_q, port_q};
  assign m_tvalid_o = state_q == TxOut;
  assign busy_o     = state_q != TxIdle;
  assign done_o     = state_q == TxDone;
  assign bad_o      = bad_q;

  ////////////////
  // Assertions //
  ////////////////
  // AXI4-Stream master: a beat stays valid and unchanged until it is accepted.
  `ASSERT(BpfnicAxisTxValidHeld, m_tvalid_o && !m_tready_i |=> m_tvalid_o, clk_i, !rst_ni)
  `ASSERT(BpfnicAxisTxDataStable, m_tvalid_o && !m_tready_i |=>
          $stable(m_tdata_o) && $stable(m_tkeep_o) && $stable(m_tlast_o) && $stable(m_tuser_o),
          clk_i, !rst_ni)
  `ASSERT(BpfnicAxisTxKeepNonEmpty, m_tvalid_o |-> m_tkeep_o[0], clk_i, !rst_ni)
  `ASSERT(BpfnicAxisTxStartIdle, start_i |-> state_q == TxIdle, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicAxisTxValidKnown, m_tvalid_o, clk_i, !rst_ni)

endmodule
