// SPDX-License-Identifier: MIT
// bpfnic_axis_rx: the packet-in unit: an AXI4-Stream slave that writes a received frame into the
// core's packet buffer through the control port and fills struct xdp_md for it.

/**
 * Frames arrive as 64-bit beats, byte 0 in tdata[7:0], tkeep contiguous from bit 0 (only the last
 * beat may be partial); tuser carries the ingress port. The unit accepts beats only while armed
 * (the core is free) and its control-port request is granted: each beat is one 8-byte write at
 * PKT_BASE + HEADROOM + offset. Bytes beyond MAX_FRAME are accepted and discarded and the frame
 * is reported too big. After tlast, three 64-bit context writes set data/data_end, data_meta/
 * ingress_ifindex and rx_queue_index/egress_ifindex; then frame_valid_o pulses with the length.
 */
`include "bpfnic_assert.svh"

module bpfnic_axis_rx #(
  parameter int unsigned HEADROOM  = 256,
  parameter int unsigned MAX_FRAME = 9216
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        arm_i,          // the top may take a frame now
  input  logic [31:0] ifindex_base_i,

  // AXI4-Stream slave
  input  logic [63:0] s_tdata_i,
  input  logic [7:0]  s_tkeep_i,
  input  logic        s_tlast_i,
  input  logic [7:0]  s_tuser_i,      // ingress port
  input  logic        s_tvalid_i,
  output logic        s_tready_o,

  // Control-port master (writes only)
  output logic        ctl_req_o,
  output logic [31:0] ctl_addr_o,
  output logic [1:0]  ctl_width_o,
  output logic [63:0] ctl_wdata_o,
  input  logic        ctl_gnt_i,

  // Frame report
  output logic        busy_o,
  output logic        frame_valid_o,  // one cycle: the frame and its context are written
  output logic [15:0] frame_len_o,
  output logic        frame_too_big_o,
  output logic [7:0]  frame_port_o
);

  localparam logic [31:0] DATA_ADDR = 32'(bpfnic_pkg::PKT_BASE) + 32'(HEADROOM);
  localparam logic [31:0] CTX_ADDR  = 32'(bpfnic_pkg::CTX_BASE);

  typedef enum logic [2:0] {
    RxIdle,
    RxData,
    RxCtx0,
    RxCtx1,
    RxCtx2,
    RxReport
  } rx_state_e;

  rx_state_e   state_q, state_d;
  logic [15:0] len_q, len_d;
  logic [7:0]  port_q, port_d;
  logic        big_q, big_d;

  logic [3:0]  keep_bytes;
  logic        beat;
  logic [31:0] data_end;

  always_comb begin
    keep_bytes = '0;
    for (int b = 0; b < 8; b++) keep_bytes = keep_bytes + 4'(s_tkeep_i[b]);
  end

  assign data_end = DATA_ADDR + 32'(len_q);
  assign beat     = state_q == RxData && s_tvalid_i && s_tready_o;

  always_comb begin
    state_d     = state_q;
    len_d       = len_q;
    port_d      = port_q;
    big_d       = big_q;
    ctl_req_o   = 1'b0;
    ctl_addr_o  = DATA_ADDR + 32'(len_q);
    ctl_width_o = 2'd3;
    ctl_wdata_o = s_tdata_i;
    s_tready_o  = 1'b0;

    unique case (state_q)
      RxIdle: begin
        len_d = '0;
        big_d = 1'b0;
        if (arm_i && s_tvalid_i) begin
          port_d  = s_tuser_i;
          state_d = RxData;
        end
      end
      RxData: begin
        // In-bounds beats need the control port; beats of an oversized frame are dropped.
        if (32'(len_q) + 32'd8 <= 32'(MAX_FRAME)) begin
          ctl_req_o  = s_tvalid_i;
          s_tready_o = ctl_gnt_i;
        end else begin
          s_tready_o = 1'b1;
        end
        if (beat) begin
          if (32'(len_q) + 32'(keep_bytes) > 32'(MAX_FRAME)) big_d = 1'b1;
          else len_d = len_q + 16'(keep_bytes);
          if (s_tlast_i) state_d = RxCtx0;
        end
      end
      RxCtx0: begin
        ctl_req_o   = 1'b1;
        ctl_addr_o  = CTX_ADDR;
        ctl_wdata_o = {data_end, DATA_ADDR};
        if (ctl_gnt_i) state_d = RxCtx1;
      end
      RxCtx1: begin
        ctl_req_o   = 1'b1;
        ctl_addr_o  = CTX_ADDR + 32'd8;
        ctl_wdata_o = {ifindex_base_i + 32'(port_q), DATA_ADDR};
        if (ctl_gnt_i) state_d = RxCtx2;
      end
      RxCtx2: begin
        ctl_req_o   = 1'b1;
        ctl_addr_o  = CTX_ADDR + 32'd16;
        ctl_wdata_o = 64'h0;
        if (ctl_gnt_i) state_d = RxReport;
      end
      RxReport: state_d = RxIdle;
      default:  state_d = RxIdle;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= RxIdle;
      len_q   <= '0;
      port_q  <= '0;
      big_q   <= 1'b0;
    end else begin
      state_q <= state_d;
      len_q   <= len_d;
      port_q  <= port_d;
      big_q   <= big_d;
    end
  end

  assign busy_o          = state_q != RxIdle;
  assign frame_valid_o   = state_q == RxReport;
  assign frame_len_o     = len_q;
  assign frame_too_big_o = big_q;
  assign frame_port_o    = port_q;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT_INIT(BpfnicAxisRxParams, HEADROOM % 8 == 0 && MAX_FRAME % 8 == 0 &&
               HEADROOM + MAX_FRAME <= bpfnic_pkg::PKT_BYTES && MAX_FRAME < 65536)
  // AXI4-Stream: a valid beat is held, unchanged, until it is accepted.
  `ASSERT(BpfnicAxisRxValidHeld, s_tvalid_i && !s_tready_o |=> s_tvalid_i, clk_i, !rst_ni)
  `ASSERT(BpfnicAxisRxDataStable, s_tvalid_i && !s_tready_o |=>
          $stable(s_tdata_i) && $stable(s_tkeep_i) && $stable(s_tlast_i), clk_i, !rst_ni)
  // tkeep is contiguous from byte 0, and only the last beat may be partial.
  `ASSERT(BpfnicAxisRxKeepContiguous, s_tvalid_i |-> ((s_tkeep_i & (s_tkeep_i + 8'd1)) == 8'h0),
          clk_i, !rst_ni)
  `ASSERT(BpfnicAxisRxKeepFull, s_tvalid_i && !s_tlast_i |-> s_tkeep_i == 8'hff, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicAxisRxReadyKnown, s_tready_o, clk_i, !rst_ni)

endmodule
