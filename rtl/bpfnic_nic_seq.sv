// SPDX-License-Identifier: MIT
// bpfnic_nic_seq: the packet sequencer of the NIC top: receive a frame, run the program on it,
// send it on by its verdict; owns the core's control port meanwhile and counts frames and verdicts.

/**
 * SeqIdle arms the packet-in unit while the NIC is enabled, a program is loaded and the register
 * window has no access waiting (the window gets the control port in SeqIdle). SeqRx lasts until
 * the frame and its context are written; an oversized frame is dropped (counted). SeqStart starts
 * the core, SeqRun waits for its done level; a trap or a verdict other than XDP_DROP, XDP_PASS,
 * XDP_TX or XDP_REDIRECT counts as aborted. Passed, transmitted and redirected frames go to the
 * packet-out unit (SeqTx) with their verdict for the shell to route.
 *
 * Counters (cnt_o, 64 bits each, in the order of the card's NIC counters): rx frames, rx bytes,
 * aborted, drop, pass, tx, redirect, rx no descriptor (always 0 here: the rings are in the shell),
 * rx too big.
 */
`include "bpfnic_assert.svh"

module bpfnic_nic_seq (
  input  logic          clk_i,
  input  logic          rst_ni,

  input  logic          enable_i,
  input  logic [31:0]   prog_len_i,
  input  logic          win_req_i,

  // Packet-in unit
  output logic          rx_arm_o,
  input  logic          rx_busy_i,
  input  logic          rx_frame_valid_i,
  input  logic [15:0]   rx_len_i,
  input  logic          rx_too_big_i,
  input  logic [7:0]    rx_port_i,

  // Core run control
  output logic          core_start_o,
  input  logic          core_busy_i,
  input  logic          core_done_i,
  input  logic          core_trap_i,
  input  logic [31:0]   core_verdict_i,  // r0[31:0]

  // Packet-out unit
  output logic          tx_start_o,
  output logic [2:0]    tx_verdict_o,
  output logic [7:0]    tx_port_o,
  input  logic          tx_done_i,

  // Control-port ownership
  output logic          own_rx_o,
  output logic          own_tx_o,
  output logic          own_win_o,
  output logic          busy_o,

  output logic [9*64-1:0] cnt_o
);

  localparam logic [31:0] XdpAborted  = 32'd0;
  localparam logic [31:0] XdpDrop     = 32'd1;
  localparam logic [31:0] XdpPass     = 32'd2;
  localparam logic [31:0] XdpTx       = 32'd3;
  localparam logic [31:0] XdpRedirect = 32'd4;

  typedef enum logic [2:0] {
    SeqIdle,
    SeqRx,
    SeqStart,
    SeqRun,
    SeqTx
  } seq_state_e;

  seq_state_e  state_q, state_d;
  logic [7:0]  port_q, port_d;
  logic [2:0]  verdict_q, verdict_d;
  logic [9*64-1:0] cnt_q, cnt_d;   // counter c in bits [64*c +: 64]

  logic [31:0] action;
  assign action = core_verdict_i;

  always_comb begin
    state_d      = state_q;
    port_d       = port_q;
    verdict_d    = verdict_q;
    cnt_d        = cnt_q;
    core_start_o = 1'b0;
    tx_start_o   = 1'b0;

    unique case (state_q)
      SeqIdle: begin
        if (rx_busy_i) state_d = SeqRx;
      end
      SeqRx: begin
        if (rx_frame_valid_i) begin
          cnt_d[64*0 +: 64] = cnt_q[64*0 +: 64] + 64'd1;
          cnt_d[64*1 +: 64] = cnt_q[64*1 +: 64] + 64'(rx_len_i);
          port_d   = rx_port_i;
          if (rx_too_big_i) begin
            cnt_d[64*8 +: 64] = cnt_q[64*8 +: 64] + 64'd1;
            state_d  = SeqIdle;
          end else begin
            state_d = SeqStart;
          end
        end
      end
      SeqStart: begin
        core_start_o = 1'b1;
        state_d      = SeqRun;
      end
      SeqRun: begin
        if (core_done_i && !core_busy_i) begin
          state_d = SeqIdle;
          if (core_trap_i || action > XdpRedirect || action == XdpAborted) begin
            cnt_d[64*2 +: 64] = cnt_q[64*2 +: 64] + 64'd1;
          end else if (action == XdpDrop) begin
            cnt_d[64*3 +: 64] = cnt_q[64*3 +: 64] + 64'd1;
          end else begin
            unique case (action)
              XdpPass: cnt_d[64*4 +: 64] = cnt_q[64*4 +: 64] + 64'd1;
              XdpTx:   cnt_d[64*5 +: 64] = cnt_q[64*5 +: 64] + 64'd1;
              default: cnt_d[64*6 +: 64] = cnt_q[64*6 +: 64] + 64'd1;
            endcase
            verdict_d = action[2:0];
            state_d   = SeqTx;
          end
        end
      end
      SeqTx: begin
        if (tx_done_i) state_d = SeqIdle;
      end
      default: state_d = SeqIdle;
    endcase
    // The packet-out unit starts on the cycle the sequencer enters SeqTx.
    if (state_q == SeqRun && state_d == SeqTx) tx_start_o = 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q   <= SeqIdle;
      port_q    <= '0;
      verdict_q <= '0;
      cnt_q     <= '0;
    end else begin
      state_q   <= state_d;
      port_q    <= port_d;
      verdict_q <= verdict_d;
      cnt_q     <= cnt_d;
    end
  end

  assign cnt_o = cnt_q;

  assign rx_arm_o     = state_q == SeqIdle && enable_i && prog_len_i != 32'h0 && !win_req_i;
  assign tx_verdict_o = tx_start_o ? action[2:0] : verdict_q;
  assign tx_port_o    = port_q;
  assign own_rx_o     = state_q == SeqRx || (state_q == SeqIdle && rx_busy_i);
  assign own_tx_o     = state_q == SeqTx || state_q == SeqRun;
  assign own_win_o    = state_q == SeqIdle && !rx_busy_i;
  assign busy_o       = state_q != SeqIdle;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT(BpfnicNicSeqOneOwner, $onehot0({own_rx_o, own_tx_o, own_win_o}), clk_i, !rst_ni)
  `ASSERT(BpfnicNicSeqStartIdle, core_start_o |-> !core_busy_i, clk_i, !rst_ni)
  `ASSERT(BpfnicNicSeqFrameInRx, rx_frame_valid_i |-> state_q == SeqRx, clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicNicSeqStateKnown, state_q, clk_i, !rst_ni)

endmodule
