// SPDX-License-Identifier: MIT
// bpfnic_divider: iterative radix-2 divider for eBPF div/mod (unsigned and signed, 64 and 32 bit).

/**
 * Restoring division, one quotient bit per cycle (64 cycles for 64-bit, 32 for 32-bit operands),
 * started by start_i and reporting done_o for one cycle with the result. eBPF corner cases are
 * handled without iterating: x / 0 = 0, x % 0 = x (32-bit: zero-extended low half), and signed
 * forms compute on magnitudes, so INT_MIN / -1 = INT_MIN and INT_MIN % -1 = 0 fall out exactly.
 */
`include "bpfnic_assert.svh"

module bpfnic_divider (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        start_i,   // one-cycle pulse while idle
  input  logic        is64_i,
  input  logic        signed_i,  // sdiv/smod (off = 1)
  input  logic        mod_i,     // modulo instead of quotient
  input  logic [63:0] a_i,       // dividend (destination register)
  input  logic [63:0] b_i,       // divisor
  output logic        busy_o,
  output logic        done_o,
  output logic [63:0] result_o
);

  typedef enum logic [1:0] {
    DivIdle,
    DivRun,
    DivDone
  } div_state_e;

  div_state_e  state_q, state_d;
  logic [63:0] rem_q, rem_d;
  logic [63:0] quo_q, quo_d;
  logic [63:0] dvs_q, dvs_d;
  logic [6:0]  cnt_q, cnt_d;
  logic        neg_q_q, neg_q_d;   // negate the quotient
  logic        neg_r_q, neg_r_d;   // negate the remainder
  logic        mod_q, mod_d;
  logic        is64_q, is64_d;
  logic [63:0] res_q, res_d;

  logic [63:0] a_ext, b_ext, a_mag, b_mag;
  logic        a_neg, b_neg;
  logic [64:0] rem_shift;
  logic [64:0] rem_sub;
  logic [63:0] q_fin, r_fin, fin;

  // Operand preparation: 32-bit forms use the low halves, sign- or zero-extended.
  always_comb begin
    if (is64_i) begin
      a_ext = a_i;
      b_ext = b_i;
    end else if (signed_i) begin
      a_ext = {{32{a_i[31]}}, a_i[31:0]};
      b_ext = {{32{b_i[31]}}, b_i[31:0]};
    end else begin
      a_ext = {32'h0, a_i[31:0]};
      b_ext = {32'h0, b_i[31:0]};
    end
    a_neg = signed_i & a_ext[63];
    b_neg = signed_i & b_ext[63];
    a_mag = a_neg ? 64'h0 - a_ext : a_ext;
    b_mag = b_neg ? 64'h0 - b_ext : b_ext;
  end

  always_comb begin
    rem_shift = {rem_q, quo_q[63]};
    rem_sub   = rem_shift - {1'b0, dvs_q};
    q_fin     = neg_q_q ? 64'h0 - quo_q : quo_q;
    r_fin     = neg_r_q ? 64'h0 - rem_q : rem_q;
    fin       = mod_q ? r_fin : q_fin;
    if (!is64_q) fin = {32'h0, fin[31:0]};
  end

  always_comb begin
    state_d = state_q;
    rem_d   = rem_q;
    quo_d   = quo_q;
    dvs_d   = dvs_q;
    cnt_d   = cnt_q;
    neg_q_d = neg_q_q;
    neg_r_d = neg_r_q;
    mod_d   = mod_q;
    is64_d  = is64_q;
    res_d   = res_q;
    unique case (state_q)
      // DivIdle: wait for a start; divisions by zero finish at once.
      DivIdle: begin
        if (start_i) begin
          if (b_ext == 64'h0) begin
            res_d   = mod_i ? (is64_i ? a_i : {32'h0, a_i[31:0]}) : 64'h0;
            state_d = DivDone;
          end else begin
            rem_d   = 64'h0;
            quo_d   = is64_i ? a_mag : {a_mag[31:0], 32'h0};
            dvs_d   = b_mag;
            cnt_d   = is64_i ? 7'd64 : 7'd32;
            neg_q_d = a_neg ^ b_neg;
            neg_r_d = a_neg;
            mod_d   = mod_i;
            is64_d  = is64_i;
            state_d = DivRun;
          end
        end
      end
      // DivRun: one restoring step per cycle.
      DivRun: begin
        if (!rem_sub[64]) begin
          rem_d = rem_sub[63:0];
          quo_d = {quo_q[62:0], 1'b1};
        end else begin
          rem_d = rem_shift[63:0];
          quo_d = {quo_q[62:0], 1'b0};
        end
        cnt_d = cnt_q - 7'd1;
        if (cnt_q == 7'd1) state_d = DivDone;
      end
      // DivDone: present the result for one cycle.
      DivDone: begin
        state_d = DivIdle;
      end
      default: state_d = DivIdle;
    endcase
  end

  // The result register follows the last iteration (res_q holds the divide-by-zero result).
  logic zero_div_q, zero_div_d;
  always_comb begin
    zero_div_d = zero_div_q;
    if (state_q == DivIdle && start_i) zero_div_d = (b_ext == 64'h0);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q    <= DivIdle;
      rem_q      <= 64'h0;
      quo_q      <= 64'h0;
      dvs_q      <= 64'h0;
      cnt_q      <= 7'h0;
      neg_q_q    <= 1'b0;
      neg_r_q    <= 1'b0;
      mod_q      <= 1'b0;
      is64_q     <= 1'b0;
      res_q      <= 64'h0;
      zero_div_q <= 1'b0;
    end else begin
      state_q    <= state_d;
      rem_q      <= rem_d;
      quo_q      <= quo_d;
      dvs_q      <= dvs_d;
      cnt_q      <= cnt_d;
      neg_q_q    <= neg_q_d;
      neg_r_q    <= neg_r_d;
      mod_q      <= mod_d;
      is64_q     <= is64_d;
      res_q      <= res_d;
      zero_div_q <= zero_div_d;
    end
  end

  assign busy_o   = state_q != DivIdle;
  assign done_o   = state_q == DivDone;
  assign result_o = zero_div_q ? res_q : fin;

  ////////////////
  // Assertions //
  ////////////////
  `ASSERT(BpfnicDivNoStartWhileBusy, !(start_i && busy_o), clk_i, !rst_ni)
  `ASSERT(BpfnicDivCountRange, state_q != DivRun || (cnt_q != 7'd0 && cnt_q <= 7'd64), clk_i, !rst_ni)
  `ASSERT_KNOWN(BpfnicDivDoneKnown, done_o, clk_i, !rst_ni)

endmodule
