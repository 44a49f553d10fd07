// SPDX-License-Identifier: MIT
// bpfnic_nic_top (1 lane) under Verilator, assertions on: identification and run-control registers
// over AXI4-Lite, a program written into instruction memory through the control-port window,
// frames streamed in over AXI4-Stream and out again by verdict (with back-pressure on the output),
// a program that edits the frame, drops, a helper call served by the shell (with its control-port
// access), and the sequencer's and the core's counters.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <verilated.h>

#include "Vbpfnic_nic_top.h"

namespace {

constexpr uint32_t kImemBase = 0x200000;
constexpr uint32_t kRegId = 0x000, kRegCaps = 0x008, kRegCtrl = 0x010, kRegStatus = 0x014,
                   kRegProgLen = 0x028, kRegResultLo = 0x060, kRegCtlAddr = 0x080, kRegCtlCmd = 0x084,
                   kRegCtlWdataLo = 0x088, kRegCtlWdataHi = 0x08C, kRegCtlRdataLo = 0x090,
                   kRegCoreCnt = 0x400, kRegNicCnt = 0x480;
constexpr uint32_t kCntRxFrames = 0, kCntRxBytes = 1, kCntDrop = 3, kCntTx = 5, kCntCorePackets = 10;

// struct bpf_insn: opcode, dst | src << 4, off, imm.
uint64_t insn(uint8_t op, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    return uint64_t{op} | uint64_t{static_cast<uint8_t>(dst | (src << 4))} << 8 |
           uint64_t{static_cast<uint16_t>(off)} << 16 | uint64_t{static_cast<uint32_t>(imm)} << 32;
}

struct OutFrame {
    std::vector<uint8_t> bytes;
    unsigned verdict = 0;
    unsigned port = 0;
};

class NicTop {
public:
    NicTop() : ctx_(std::make_unique<VerilatedContext>()), m_(std::make_unique<Vbpfnic_nic_top>(ctx_.get(), "TOP")) {
        m_->rst_ni = 0;
        for (int i = 0; i < 4; ++i) tick();
        m_->rst_ni = 1;
        tick();
    }
    ~NicTop() { m_->final(); }

    void tick() {
        m_->clk_i = 0;
        m_->eval();
        const bool in_fire = m_->s_axis_tvalid_i && m_->s_axis_tready_o;
        collect_out();  // the output beat (if any) that this rising edge transfers
        m_->clk_i = 1;
        m_->eval();
        if (in_fire) in_.pop_front();
        drive_in();
        ++cycle_;
        // Back-pressure every third cycle: the packet-out unit must hold its beat.
        m_->m_axis_tready_i = cycle_ % 3 != 0;
        m_->eval();
    }

    void write(uint32_t addr, uint32_t data) {
        m_->s_axil_awaddr_i = addr;
        m_->s_axil_wdata_i = data;
        m_->s_axil_wstrb_i = 0xf;
        m_->s_axil_awvalid_i = 1;
        m_->s_axil_wvalid_i = 1;
        m_->s_axil_bready_i = 1;
        m_->eval();
        for (int i = 0; !m_->s_axil_awready_o; ++i) {
            ASSERT_LT(i, 1000) << "AXI-Lite write not accepted";
            tick();
        }
        tick();
        m_->s_axil_awvalid_i = 0;
        m_->s_axil_wvalid_i = 0;
        for (int i = 0; !m_->s_axil_bvalid_o; ++i) {
            ASSERT_LT(i, 1000) << "no write response";
            tick();
        }
        EXPECT_EQ(m_->s_axil_bresp_o, 0);
        tick();
        m_->s_axil_bready_i = 0;
    }

    uint32_t read(uint32_t addr) {
        m_->s_axil_araddr_i = addr;
        m_->s_axil_arvalid_i = 1;
        m_->s_axil_rready_i = 1;
        m_->eval();
        while (!m_->s_axil_arready_o) tick();
        tick();
        m_->s_axil_arvalid_i = 0;
        while (!m_->s_axil_rvalid_o) tick();
        const uint32_t v = m_->s_axil_rdata_o;
        tick();
        m_->s_axil_rready_i = 0;
        return v;
    }

    uint64_t read64(uint32_t addr) { return read(addr) | uint64_t{read(addr + 4)} << 32; }

    void wait_window() {
        for (int i = 0; read(kRegStatus) & (1u << 5); ++i) ASSERT_LT(i, 1000) << "window access never granted";
    }

    void ctl_write(uint32_t addr, uint64_t data, unsigned width_log2) {
        write(kRegCtlAddr, addr);
        write(kRegCtlWdataLo, static_cast<uint32_t>(data));
        write(kRegCtlWdataHi, static_cast<uint32_t>(data >> 32));
        write(kRegCtlCmd, 1u | width_log2 << 1);
        wait_window();
    }

    uint64_t ctl_read(uint32_t addr) {
        write(kRegCtlAddr, addr);
        write(kRegCtlCmd, 3u << 1);
        wait_window();
        return read(kRegCtlRdataLo) | uint64_t{read(kRegCtlRdataLo + 4)} << 32;
    }

    void load(const std::vector<uint64_t>& prog) {
        for (size_t b = 0; b < prog.size(); ++b) ctl_write(kImemBase + static_cast<uint32_t>(b) * 64, prog[b], 3);
        write(kRegProgLen, static_cast<uint32_t>(prog.size()));
    }

    /// Queues a frame for the input stream (8 bytes per beat); tick() presents the beats and
    /// holds each until it is accepted.
    void queue(const std::vector<uint8_t>& f, unsigned port) {
        for (size_t i = 0; i < f.size(); i += 8) {
            Beat b;
            for (size_t k = 0; k < 8 && i + k < f.size(); ++k) {
                b.data |= uint64_t{f[i + k]} << (8 * k);
                b.keep |= static_cast<uint8_t>(1u << k);
            }
            b.last = i + 8 >= f.size();
            b.port = static_cast<uint8_t>(port);
            in_.push_back(b);
        }
        drive_in();
    }
    size_t beats_waiting() const { return in_.size(); }

    /// Streams a frame in and waits until its last beat is accepted.
    void send(const std::vector<uint8_t>& f, unsigned port) {
        queue(f, port);
        for (int n = 0; !in_.empty(); ++n) {
            ASSERT_LT(n, 100000) << "frame not accepted";
            tick();
        }
    }

    /// Runs until the NIC is idle with no output pending.
    void drain() {
        for (int i = 0; i < 4 || m_->busy_o; ++i) {
            ASSERT_LT(i, 1000000) << "NIC never became idle";
            tick();
        }
    }

    Vbpfnic_nic_top& model() { return *m_; }
    std::vector<OutFrame> out;
    uint64_t cycle_ = 0;

private:
    struct Beat {
        uint64_t data = 0;
        uint8_t keep = 0;
        bool last = false;
        uint8_t port = 0;
    };

    void drive_in() {
        m_->s_axis_tvalid_i = !in_.empty();
        if (!in_.empty()) {
            m_->s_axis_tdata_i = in_.front().data;
            m_->s_axis_tkeep_i = in_.front().keep;
            m_->s_axis_tlast_i = in_.front().last;
            m_->s_axis_tuser_i = in_.front().port;
        }
    }

    void collect_out() {
        if (m_->m_axis_tvalid_o && m_->m_axis_tready_i) {
            if (!in_frame_) {
                out.emplace_back();
                in_frame_ = true;
            }
            OutFrame& o = out.back();
            for (unsigned k = 0; k < 8; ++k)
                if (m_->m_axis_tkeep_o >> k & 1) o.bytes.push_back(static_cast<uint8_t>(m_->m_axis_tdata_o >> (8 * k)));
            o.verdict = m_->m_axis_tuser_o >> 8;
            o.port = m_->m_axis_tuser_o & 0xff;
            if (m_->m_axis_tlast_o) in_frame_ = false;
        }
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vbpfnic_nic_top> m_;
    std::deque<Beat> in_;
    bool in_frame_ = false;
};

std::vector<uint8_t> frame(size_t n) {
    std::vector<uint8_t> f(n);
    for (size_t i = 0; i < n; ++i) f[i] = static_cast<uint8_t>(0x11 * (i + 1) + i / 7);
    return f;
}

// r2 = ctx->data, r3 = ctx->data_end; frames shorter than 14 bytes are dropped; otherwise byte 1
// becomes byte 0 and the frame goes back out (XDP_TX).
std::vector<uint64_t> edit_and_tx() {
    return {insn(0x61, 2, 1, 0, 0),   insn(0x61, 3, 1, 4, 0),  insn(0xbf, 4, 2, 0, 0), insn(0x07, 4, 0, 0, 14),
            insn(0x2d, 4, 3, 4, 0),   insn(0x71, 5, 2, 0, 0),  insn(0x73, 2, 5, 1, 0), insn(0xb7, 0, 0, 0, 3),
            insn(0x95, 0, 0, 0, 0),   insn(0xb7, 0, 0, 0, 1),  insn(0x95, 0, 0, 0, 0)};
}

TEST(NicRtlTop, IdentificationAndWindow) {
    NicTop t;
    EXPECT_EQ(t.read(kRegId), 0x4250464Eu);
    EXPECT_EQ(t.read(kRegCaps) & 0xff, 1u);
    t.write(kRegProgLen, 3);
    EXPECT_EQ(t.read(kRegProgLen), 3u);
    // The control-port window reaches the packet buffer.
    t.ctl_write(0x100000 + 512, 0x1122334455667788ull, 3);
    EXPECT_EQ(t.ctl_read(0x100000 + 512), 0x1122334455667788ull);
    t.ctl_write(0x100000 + 513, 0xab, 0);
    EXPECT_EQ(t.ctl_read(0x100000 + 512), 0x112233445566ab88ull);
}

TEST(NicRtlTop, FramesInAndOutByVerdict) {
    NicTop t;
    t.load(edit_and_tx());
    t.write(kRegCtrl, 1);
    const std::vector<size_t> sizes = {64, 61, 13, 200, 14};
    for (size_t i = 0; i < sizes.size(); ++i) {
        t.send(frame(sizes[i]), static_cast<unsigned>(i % 2));
        t.drain();
    }
    // The 13-byte frame is dropped; the others come back with byte 1 = byte 0.
    ASSERT_EQ(t.out.size(), sizes.size() - 1);
    size_t o = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
        bytes += sizes[i];
        if (sizes[i] < 14) continue;
        std::vector<uint8_t> want = frame(sizes[i]);
        want[1] = want[0];
        EXPECT_EQ(t.out[o].bytes, want) << "frame " << i;
        EXPECT_EQ(t.out[o].verdict, 3u);
        EXPECT_EQ(t.out[o].port, i % 2);
        ++o;
    }
    EXPECT_EQ(t.read(kRegResultLo), 3u);
    EXPECT_EQ(t.read64(kRegNicCnt + 8 * kCntRxFrames), sizes.size());
    EXPECT_EQ(t.read64(kRegNicCnt + 8 * kCntRxBytes), bytes);
    EXPECT_EQ(t.read64(kRegNicCnt + 8 * kCntTx), sizes.size() - 1);
    EXPECT_EQ(t.read64(kRegNicCnt + 8 * kCntDrop), 1u);
    EXPECT_EQ(t.read64(kRegCoreCnt + 8 * kCntCorePackets), sizes.size());
}

TEST(NicRtlTop, DisabledNicHoldsTheStream) {
    NicTop t;
    t.load({insn(0xb7, 0, 0, 0, 2), insn(0x95, 0, 0, 0, 0)});  // XDP_PASS
    // Not enabled: the first beat is offered and held, but not accepted.
    std::vector<uint8_t> f = frame(40);
    t.write(kRegCtrl, 0);
    t.queue(f, 0);
    for (int i = 0; i < 50; ++i) {
        t.tick();
        EXPECT_FALSE(t.model().s_axis_tready_o);
    }
    EXPECT_EQ(t.beats_waiting(), 5u);
    EXPECT_EQ(t.read(kRegNicCnt + 8 * kCntRxFrames), 0u);
    t.write(kRegCtrl, 1);
    while (t.beats_waiting()) t.tick();
    t.drain();
    ASSERT_EQ(t.out.size(), 1u);
    EXPECT_EQ(t.out[0].bytes, f);
    EXPECT_EQ(t.out[0].verdict, 2u);
}

TEST(NicRtlTop, HelperUnitReachesMemoryDuringACall) {
    NicTop t;
    // r0 = helper 5 (ktime_get_ns); return r0. The shell's helper unit answers 3 (XDP_TX).
    t.load({insn(0x85, 0, 0, 0, 5), insn(0x95, 0, 0, 0, 0)});
    t.write(kRegCtrl, 1);
    const std::vector<uint8_t> f = frame(32);
    t.send(f, 1);
    Vbpfnic_nic_top& m = t.model();
    int calls = 0;
    uint64_t seen = 0;
    for (int i = 0; i < 1000 && (calls == 0 || m.busy_o); ++i) {
        if (m.helper_req_o && calls == 0) {
            EXPECT_EQ(m.helper_id_o, 5u);
            // The helper unit reads the frame through its control-port access (data at 0x100100).
            m.hctl_req_i = 1;
            m.hctl_we_i = 0;
            m.hctl_addr_i = 0x100100;
            m.hctl_width_i = 3;
            t.tick();
            m.hctl_req_i = 0;
            t.tick();
            seen = m.hctl_rdata_o;
            m.helper_rvalid_i = 1;
            m.helper_r0_i = 3;
            t.tick();
            m.helper_rvalid_i = 0;
            ++calls;
            continue;
        }
        t.tick();
    }
    t.drain();
    EXPECT_EQ(calls, 1);
    uint64_t want = 0;
    for (int k = 0; k < 8; ++k) want |= uint64_t{f[k]} << (8 * k);
    EXPECT_EQ(seen, want);
    ASSERT_EQ(t.out.size(), 1u);
    EXPECT_EQ(t.out[0].bytes, f);
    EXPECT_EQ(t.out[0].verdict, 3u);
    EXPECT_EQ(t.out[0].port, 1u);
}

}  // namespace
