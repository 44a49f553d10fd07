// SPDX-License-Identifier: MIT
// Frames through the card: example XDP programs (xdp_drop, xdp2, xdp1, xdp_pass, xdp_tx,
// xdp_adjust_tail) loaded by DMA, frames
// injected on an Ethernet port, run on the core, delivered by DMA into the RX ring (XDP_PASS) or
// sent back out of the port (XDP_TX), compared with the interpreter's verdicts, bytes, map
// contents and counters; the TX ring; a full RX ring; temporal decoupling against SystemC time.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/loader.h"
#include "compiler/platform.h"
#include "driver/hw/hw_engine.h"
#include "driver/interp.h"
#include "driver/traffic/generator.h"
#include "tests/nic/nic_test_env.h"

namespace bpfnic::tests {
namespace {

using namespace nic;

constexpr uint64_t kXdpDrop = 1, kXdpPass = 2, kXdpTx = 3;

std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> dump(Map& m) {
    std::vector<std::pair<std::vector<uint8_t>, std::vector<uint8_t>>> out;
    const MapDef& d = m.def();
    std::vector<uint8_t> key(d.key_size), next(d.key_size), val(m.host_value_size());
    for (int rc = m.next_key(nullptr, next.data()); rc == 0 && out.size() < 100000;
         rc = m.next_key(key.data(), next.data())) {
        if (m.lookup_copy(next.data(), val.data()) == 0) out.emplace_back(next, val);
        key = next;
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct Expected {
    uint64_t verdict = 0;
    std::vector<uint8_t> bytes;
};

class NicDatapath : public ::testing::TestWithParam<const char*> {};

TEST_P(NicDatapath, ExampleGivesTheInterpretersVerdictsBytesMapsAndCounters) {
    const std::string path = example_object(GetParam());
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    ASSERT_FALSE(obj.programs.empty());
    MapSet ref_maps(obj.maps), nic_maps(obj.maps);
    NicTestEnv& env = NicTestEnv::get();
    NicSystem& sys = env.sys();
    env.reset(nic_maps);
    const uint32_t status = env.load(obj, 0, nic_maps);
    ASSERT_TRUE(status & kStatusLoaded) << "status " << status;
    ASSERT_FALSE(status & kStatusLoadError);
    EXPECT_EQ(sys.read32(reg::kLoadedBundles), obj.programs[0].insns.size());

    constexpr uint64_t kPackets = 24;
    TrafficSpec spec;
    spec.count = kPackets;
    spec.size_max = 900;
    const TrafficGenerator gen(spec);

    // The reference: the interpreter on the same frames (ingress ifindex 1, as port 0).
    Interpreter interp;
    interp.load(obj, 0, ref_maps, software_xdp_platform());
    std::vector<Expected> want;
    uint64_t n_pass = 0, n_drop = 0, n_tx = 0;
    for (uint64_t i = 0; i < kPackets; ++i) {
        XdpBuff b;
        b.reset(gen.packet(i).bytes, 1, 0);
        ExecEnv e;
        e.maps = &ref_maps;
        e.xdp = &b;
        Expected x;
        x.verdict = interp.run(e, reinterpret_cast<uint64_t>(b.md()), 0) & 0xffffffff;
        x.bytes = b.packet();
        n_pass += x.verdict == kXdpPass;
        n_drop += x.verdict == kXdpDrop;
        n_tx += x.verdict == kXdpTx;
        want.push_back(std::move(x));
    }

    env.setup_rx(64, 63);
    sys.write32(reg::kIrqMask, kIrqRx);
    sys.write32(reg::kCtrl, kCtrlEnable);
    const sc_core::sc_time t0 = sys.now();
    for (uint64_t i = 0; i < kPackets; ++i) sys.inject(0, gen.packet(i).bytes, sc_core::sc_time(200.0 * static_cast<double>(i), sc_core::SC_NS));
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(100, sc_core::SC_MS)));

    // Passed frames are in the RX ring, in order; transmitted ones left port 0, in order.
    const auto rx = env.rx_completed();
    const auto tx = sys.take_tx(0);
    EXPECT_TRUE(sys.take_tx(1).empty());
    ASSERT_EQ(rx.size(), n_pass);
    ASSERT_EQ(tx.size(), n_tx);
    size_t ri = 0, ti = 0;
    for (uint64_t i = 0; i < kPackets; ++i) {
        if (want[i].verdict == kXdpPass) {
            EXPECT_EQ(rx[ri].bytes, want[i].bytes) << "packet " << i;
            EXPECT_EQ(rx[ri].flags, desc::kFlagDone);
            EXPECT_EQ(rx[ri].port, 0u);
            ++ri;
        } else if (want[i].verdict == kXdpTx) {
            EXPECT_EQ(tx[ti].bytes, want[i].bytes) << "packet " << i;
            if (ti) {
                EXPECT_GT(tx[ti].time, tx[ti - 1].time);
            }
            ++ti;
        }
    }
    for (size_t m = 0; m < obj.maps.size(); ++m)
        EXPECT_EQ(dump(nic_maps.at(m)), dump(ref_maps.at(m))) << "map " << obj.maps[m].name;

    EXPECT_EQ(env.nic_counter(kCntRxFrames), kPackets);
    EXPECT_EQ(env.nic_counter(kCntPass), n_pass);
    EXPECT_EQ(env.nic_counter(kCntDrop), n_drop);
    EXPECT_EQ(env.nic_counter(kCntTx), n_tx);
    EXPECT_EQ(env.nic_counter(kCntAborted), 0u);
    EXPECT_EQ(env.nic_counter(kCntHostRx), n_pass);
    EXPECT_EQ(env.nic_counter(kCntWireTxFrames), n_tx);
    EXPECT_EQ(env.core_counter(kCntPackets), kPackets);
    EXPECT_EQ(env.core_counter(kCntErrors), 0u);
    EXPECT_GT(env.core_counter(kCntInsns), kPackets);
    // One descriptor read, one data write and one write-back per passed frame, besides the image.
    EXPECT_EQ(env.nic_counter(kCntDmaWrites), 2 * n_pass);
    EXPECT_EQ(sys.read32(reg::kRxRing + reg::kRingHead), n_pass);
    EXPECT_EQ(bool(sys.read32(reg::kIrqStatus) & kIrqRx), n_pass > 0);
    EXPECT_EQ(env.card().irq(), n_pass > 0);
    // Temporal decoupling: SystemC time covers every core cycle spent on the frames.
    const double core_ns = 4.0 * static_cast<double>(env.nic_counter(kCntCoreRunCycles));
    EXPECT_GE((sys.now() - t0).to_seconds() * 1e9, core_ns * 0.99 - 1e6);  // image load ran before t0
    std::cout << "[ nic      ] " << GetParam() << ": " << kPackets << " frames: " << n_pass << " passed, " << n_tx
              << " transmitted, " << n_drop << " dropped; " << env.nic_counter(kCntCoreRunCycles) / kPackets
              << " core cycles per frame\n";
    sys.write32(reg::kCtrl, 0);
}

INSTANTIATE_TEST_SUITE_P(Examples, NicDatapath, ::testing::Values("xdp_drop", "xdp2", "xdp1", "xdp_pass", "xdp_tx", "xdp_adjust_tail"));

TEST(NicRings, FullRxRingDropsAndCounts) {
    const std::string path = example_object("xdp_pass");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    MapSet maps(obj.maps);
    NicTestEnv& env = NicTestEnv::get();
    env.reset(maps);
    ASSERT_TRUE(env.load(obj, 0, maps) & kStatusLoaded);
    env.setup_rx(8, 2);  // two buffers posted
    env.sys().write32(reg::kCtrl, kCtrlEnable);
    TrafficSpec spec;
    spec.count = 5;
    const TrafficGenerator gen(spec);
    for (uint64_t i = 0; i < 5; ++i) env.sys().inject(1, gen.packet(i).bytes);
    ASSERT_TRUE(env.sys().run_until_idle(sc_core::sc_time(10, sc_core::SC_MS)));
    const auto rx = env.rx_completed();
    ASSERT_EQ(rx.size(), 2u);
    EXPECT_EQ(rx[0].bytes, gen.packet(0).bytes);
    EXPECT_EQ(rx[1].bytes, gen.packet(1).bytes);
    EXPECT_EQ(rx[0].port, 1u);
    EXPECT_EQ(env.nic_counter(kCntPass), 5u);
    EXPECT_EQ(env.nic_counter(kCntRxNoDesc), 3u);
    EXPECT_TRUE(env.sys().read32(reg::kIrqStatus) & kIrqError);
    // Posting more buffers lets the next frames through.
    env.sys().write32(reg::kRxRing + reg::kRingTail, 5);
    env.sys().inject(0, gen.packet(4).bytes);
    ASSERT_TRUE(env.sys().run_until_idle(sc_core::sc_time(10, sc_core::SC_MS)));
    EXPECT_EQ(env.rx_completed(2).size(), 1u);
    env.sys().write32(reg::kCtrl, 0);
}

TEST(NicRings, DisabledCardHoldsFramesUntilEnabled) {
    const std::string path = example_object("xdp_pass");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    MapSet maps(obj.maps);
    NicTestEnv& env = NicTestEnv::get();
    env.reset(maps);
    ASSERT_TRUE(env.load(obj, 0, maps) & kStatusLoaded);
    env.setup_rx(4, 3);
    env.sys().inject(0, std::vector<uint8_t>(60, 0xab));
    env.sys().run(sc_core::sc_time(50, sc_core::SC_US));
    EXPECT_EQ(env.nic_counter(kCntRxFrames), 0u);
    env.sys().write32(reg::kCtrl, kCtrlEnable);
    ASSERT_TRUE(env.sys().run_until_idle(sc_core::sc_time(10, sc_core::SC_MS)));
    ASSERT_EQ(env.rx_completed().size(), 1u);
    EXPECT_EQ(env.rx_completed()[0].bytes, std::vector<uint8_t>(60, 0xab));
    env.sys().write32(reg::kCtrl, 0);
}

TEST(NicRings, TxRingSendsHostFramesAtLineRate) {
    MapSet maps;
    NicTestEnv& env = NicTestEnv::get();
    env.reset(maps);
    env.setup_tx(8);
    const std::vector<uint8_t> a(64, 1), b(1500, 2), c(100, 3);
    const sc_core::sc_time t0 = env.sys().now();
    const uint32_t ia = env.post_tx(a, 1);
    const uint32_t ib = env.post_tx(b, 1);
    const uint32_t ic = env.post_tx(c, 9);  // no such port
    ASSERT_TRUE(env.sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    const auto out = env.sys().take_tx(1);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].bytes, a);
    EXPECT_EQ(out[1].bytes, b);
    // 100 Gb/s: 1500 bytes plus 20 of framing take 121.6 ns on the wire.
    EXPECT_GE(out[1].time - out[0].time, sc_core::sc_time(121.6, sc_core::SC_NS));
    EXPECT_GT(out[0].time, t0);
    EXPECT_EQ(env.tx_flags(ia), desc::kFlagDone);
    EXPECT_EQ(env.tx_flags(ib), desc::kFlagDone);
    EXPECT_EQ(env.tx_flags(ic), desc::kFlagDone | desc::kFlagError);
    EXPECT_EQ(env.sys().read32(reg::kTxRing + reg::kRingHead), 3u);
    EXPECT_EQ(env.nic_counter(kCntHostTx), 2u);
    EXPECT_TRUE(env.sys().read32(reg::kIrqStatus) & kIrqTx);
}

// A slot of struct bpf_insn: opcode, dst | src << 4, off, imm.
uint64_t slot(uint8_t op, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    return uint64_t{op} | uint64_t{static_cast<uint8_t>(dst | (src << 4))} << 8 |
           uint64_t{static_cast<uint16_t>(off)} << 16 | uint64_t{static_cast<uint32_t>(imm)} << 32;
}

// r2 = iterations; do r2 -= 1 while r2 != 0; return XDP_DROP. One instruction per bundle.
std::vector<uint64_t> counting_loop(int32_t iterations) {
    const std::vector<uint64_t> insns = {slot(0xb7, 2, 0, 0, iterations), slot(0x17, 2, 0, 0, 1),
                                         slot(0x55, 2, 0, -2, 0), slot(0xb7, 0, 0, 0, 1), slot(0x95, 0, 0, 0, 0)};
    std::vector<uint64_t> slots(insns.size() * 4, 0);
    for (size_t i = 0; i < insns.size(); ++i) slots[i * 4] = insns[i];
    return slots;
}

TEST(NicDecoupling, LongPacketAdvancesInQuantaWithSystemCTime) {
    MapSet maps;
    NicTestEnv& env = NicTestEnv::get();
    NicSystem& sys = env.sys();
    env.reset(maps);
    ASSERT_TRUE(env.load_slots(counting_loop(50000)) & kStatusLoaded);
    sys.write32(reg::kCtrl, kCtrlEnable);
    const uint64_t c0 = env.core_counter(kCntCycles);
    sys.inject(0, std::vector<uint8_t>(60, 0));
    // 20 us of SystemC time: the core may be at most one quantum (10 us = 2500 cycles) ahead.
    sys.run(sc_core::sc_time(20, sc_core::SC_US));
    EXPECT_TRUE(sys.read32(reg::kStatus) & kStatusBusy);
    const uint64_t mid = env.core_counter(kCntCycles) - c0;
    EXPECT_GT(mid, 1000u);
    EXPECT_LE(mid, (20'000 + 10'000) / 4 + 100);
    const sc_core::sc_time t_mid = sys.now();
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(10, sc_core::SC_MS)));
    const uint64_t total = env.core_counter(kCntCycles) - c0;
    EXPECT_GT(total, 100'000u);  // two instructions and a taken-branch bubble per iteration
    EXPECT_EQ(env.nic_counter(kCntDrop), 1u);
    // The whole run shows in SystemC time (less the quantum the core may still be ahead).
    EXPECT_GE((sys.now() - t_mid).to_seconds() + 20e-6 + 10e-6, 4e-9 * static_cast<double>(total));
    sys.write32(reg::kCtrl, 0);
}

TEST(NicDecoupling, RunTimeoutAbortsTheFrameAndTheNextOneRuns) {
    MapSet maps;
    NicTestEnv& env = NicTestEnv::get();
    NicSystem& sys = env.sys();
    env.reset(maps);
    ASSERT_TRUE(env.load_slots(counting_loop(50000)) & kStatusLoaded);
    sys.write32(reg::kRunTimeout, 5000);
    sys.write32(reg::kCtrl, kCtrlEnable);
    sys.inject(0, std::vector<uint8_t>(60, 0));
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(10, sc_core::SC_MS)));
    EXPECT_EQ(env.nic_counter(kCntAborted), 1u);
    // A short loop fits the budget: the core was reset and runs again. (CTRL.LOAD alone clears
    // ENABLE: CTRL is written whole.)
    ASSERT_TRUE(env.load_slots(counting_loop(10)) & kStatusLoaded);
    sys.write32(reg::kCtrl, kCtrlEnable);
    sys.inject(0, std::vector<uint8_t>(60, 0));
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(10, sc_core::SC_MS)));
    EXPECT_EQ(env.nic_counter(kCntAborted), 1u);
    EXPECT_EQ(env.nic_counter(kCntDrop), 1u);
    sys.write32(reg::kRunTimeout, 10'000'000);
    sys.write32(reg::kCtrl, 0);
}

TEST(NicRedirect, RedirectedFramesLeaveOnTheResolvedPort) {
    const std::string path = example_object("xdp_redirect");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    MapSet ref_maps(obj.maps), maps(obj.maps);
    NicTestEnv& env = NicTestEnv::get();
    NicSystem& sys = env.sys();
    env.reset(maps);
    ASSERT_TRUE(env.load(obj, 0, maps) & kStatusLoaded);
    // The interpreter: XDP_REDIRECT to ifindex 2, which is port 1 here (IFINDEX_BASE 1).
    Interpreter interp;
    interp.load(obj, 0, ref_maps, software_xdp_platform());
    TrafficSpec spec;
    spec.count = 3;
    const TrafficGenerator gen(spec);
    XdpBuff b;
    b.reset(gen.packet(0).bytes, 1, 0);
    ExecEnv e;
    e.maps = &ref_maps;
    e.xdp = &b;
    ASSERT_EQ(interp.run(e, reinterpret_cast<uint64_t>(b.md()), 0), 4u);
    ASSERT_EQ(e.redirect.kind, RedirectTarget::Kind::Ifindex);
    ASSERT_EQ(e.redirect.ifindex, 2u);

    sys.write32(reg::kCtrl, kCtrlEnable);
    for (uint64_t i = 0; i < 3; ++i) sys.inject(0, gen.packet(i).bytes);
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    const auto out = sys.take_tx(1);
    EXPECT_TRUE(sys.take_tx(0).empty());
    ASSERT_EQ(out.size(), 3u);
    for (uint64_t i = 0; i < 3; ++i) EXPECT_EQ(out[i].bytes, gen.packet(i).bytes);
    EXPECT_EQ(env.nic_counter(kCntRedirect), 3u);
    EXPECT_EQ(env.nic_counter(kCntWireTxFrames), 3u);
    sys.write32(reg::kCtrl, 0);
}

TEST(NicMailbox, LoadImageAndStartThenFramesFlow) {
    const std::string path = example_object("xdp_pass");
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not built";
    const Object obj = load_object(path);
    MapSet maps(obj.maps);
    NicTestEnv& env = NicTestEnv::get();
    NicSystem& sys = env.sys();
    env.reset(maps);
    const auto slots = HwEngine::bundle_program(obj.programs[0], 4, maps, software_xdp_platform(), xdp_helper_table());
    sys.host().write(kImageAddr, slots.data(), slots.size() * 8);
    sys.write64(reg::kMboxArgs + 0, kImageAddr);
    sys.write32(reg::kMboxArgs + 8, static_cast<uint32_t>(slots.size() / 4));
    sys.write32(reg::kMboxArgs + 12, 0);
    sys.write32(reg::kMboxCmd, kCmdLoadImage);
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(sys.read32(reg::kMboxStatus), kMboxDone | (kMboxOk << 16));
    EXPECT_EQ(sys.read32(reg::kLoadedBundles), slots.size() / 4);
    sys.write32(reg::kMboxCmd, kCmdStart);
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_EQ(sys.read32(reg::kMboxStatus), kMboxDone | (kMboxOk << 16));
    EXPECT_TRUE(sys.read32(reg::kStatus) & kStatusEnabled);
    env.setup_rx(4, 3);
    sys.inject(0, std::vector<uint8_t>(80, 0x5c));
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    ASSERT_EQ(env.rx_completed().size(), 1u);
    EXPECT_EQ(env.rx_completed()[0].bytes, std::vector<uint8_t>(80, 0x5c));
    sys.write32(reg::kMboxCmd, kCmdStop);
    ASSERT_TRUE(sys.run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    EXPECT_FALSE(sys.read32(reg::kStatus) & kStatusEnabled);
}

TEST(NicRings, ImageLargerThanTheInstructionMemoryFailsToLoad) {
    MapSet maps;
    NicTestEnv& env = NicTestEnv::get();
    env.reset(maps);
    env.sys().write64(reg::kProgAddrLo, kImageAddr);
    env.sys().write32(reg::kProgBundles, Nic::kImemBundles + 1);
    env.sys().write32(reg::kCtrl, kCtrlLoad);
    ASSERT_TRUE(env.sys().run_until_idle(sc_core::sc_time(1, sc_core::SC_MS)));
    const uint32_t st = env.sys().read32(reg::kStatus);
    EXPECT_TRUE(st & kStatusLoadError);
    EXPECT_FALSE(st & kStatusLoaded);
    EXPECT_TRUE(env.sys().read32(reg::kIrqStatus) & kIrqError);
}

}  // namespace
}  // namespace bpfnic::tests
