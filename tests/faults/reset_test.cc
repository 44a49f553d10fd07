// SPDX-License-Identifier: MIT
// The card resetting itself in the middle of traffic, and the firmware that stops answering: the
// driver notices (a cleared enable bit, a mailbox timeout), resets the card, reloads the program,
// restores its maps from the shadow and replays what changed them since. Every scenario runs once
// without the fault and once with it: the packets' outcomes and the full map dumps must match.
#include <cerrno>
#include <cstring>
#include <string>

#include "tests/faults/fault_test_util.h"

namespace bpfnic::tests {
namespace {

struct Outcome {
    std::vector<bpfnic_batch_result> batches;
    std::vector<uint32_t> verdicts;  ///< of single runs
    MapDump maps;
    bpfnic_counters counters;
};

class CardRecovery : public DeviceTest {
protected:
    /// Writes a recognisable value under key `k` of xdp1/xdp2's rxcnt (per-CPU layout).
    void put(bpfnic_prog* p, uint32_t k, uint64_t v) {
        bpfnic_map* m = bpfnic_prog__map(p, "rxcnt");
        ASSERT_NE(m, nullptr);
        std::vector<uint8_t> value(bpfnic_map__value_size(m));
        for (size_t i = 0; i + 8 <= value.size(); i += 8) std::memcpy(value.data() + i, &v, 8);
        ASSERT_EQ(bpfnic_map__update_elem(m, &k, sizeof k, value.data(), value.size(), 0), 0) << bpfnic_last_error();
    }

    /// xdp2 (counts per protocol in rxcnt, swaps MACs and sends IP frames back) under three
    /// batches, host map writes between them and single runs; `fault` armed before batch 2.
    Outcome traffic_scenario(bpfnic_fault_kind fault, uint64_t after, bool corrupt_reload = false) {
        Outcome o;
        bpfnic_prog* p = load("xdp2", BPFNIC_OFFLOAD_REQUIRE);
        EXPECT_NE(p, nullptr);
        if (!p) return o;
        const auto pkts = traffic(600, 31, 400);
        auto batch = [&](size_t from, size_t to) {
            bpfnic_batch_result r;
            const std::vector<std::vector<uint8_t>> part(pkts.begin() + from, pkts.begin() + to);
            EXPECT_EQ(bpfnic_prog__run_batch(p, part, &r), 0) << bpfnic_last_error();
            expect_accounted(r, part.size());
            o.batches.push_back(r);
        };
        batch(0, 200);
        put(p, 250, 0x1111);
        if (fault) inject(dev_, fault, after);
        if (corrupt_reload) inject(dev_, BPFNIC_FAULT_IMAGE_BITFLIP, 0, 300, 2);  // the next image the card reads
        batch(200, 450);
        put(p, 251, 0x2222);
        for (size_t i = 450; i < 480; ++i) o.verdicts.push_back(run(p, pkts[i]));
        batch(480, 600);
        o.maps = dump_all(p);
        o.counters = counters();
        bpfnic_prog__unload(p);
        return o;
    }

    void expect_same(const Outcome& clean, const Outcome& faulty) {
        ASSERT_EQ(clean.batches.size(), faulty.batches.size());
        for (size_t i = 0; i < clean.batches.size(); ++i) {
            SCOPED_TRACE("batch " + std::to_string(i));
            expect_same_result(clean.batches[i], faulty.batches[i]);
        }
        EXPECT_EQ(clean.verdicts, faulty.verdicts);
        EXPECT_EQ(clean.maps, faulty.maps);
        ASSERT_TRUE(faulty.maps.count("rxcnt"));
        EXPECT_TRUE(faulty.maps.at("rxcnt").count(std::vector<uint8_t>{250, 0, 0, 0}));
    }
};

TEST_F(CardRecovery, ResetInTheMiddleOfTrafficLosesNoPacketAndNoMapEntry) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const Outcome clean = traffic_scenario(static_cast<bpfnic_fault_kind>(0), 0);
    const Outcome faulty = traffic_scenario(BPFNIC_FAULT_RESET, 100);
    expect_same(clean, faulty);
    EXPECT_EQ(faulty.counters.faults_reset, 1u);
    EXPECT_EQ(faulty.counters.recoveries, 1u);
    EXPECT_GT(faulty.counters.packets_replayed, 0u);
    EXPECT_EQ(faulty.counters.packets_lost, 0u);
    EXPECT_GT(faulty.batches[1].replayed, 0u);
    EXPECT_TRUE(logged(dev_, "reset", "the card reset itself"));
    EXPECT_TRUE(logged(dev_, "recovery", "program reloaded"));
}

TEST_F(CardRecovery, ResetBetweenSingleRunsIsRecoveredBeforeTheNextOne) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    auto scenario = [&](bool fault) {
        Outcome o;
        bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);
        if (!p) return o;
        const auto pkts = traffic(40, 8, 200);
        for (size_t i = 0; i < pkts.size(); ++i) {
            if (fault && i == 10) inject(dev_, BPFNIC_FAULT_RESET, 1);
            o.verdicts.push_back(run(p, pkts[i]));
        }
        o.maps = dump_all(p);
        o.counters = counters();
        bpfnic_prog__unload(p);
        return o;
    };
    const Outcome clean = scenario(false), faulty = scenario(true);
    EXPECT_EQ(clean.verdicts, faulty.verdicts);
    EXPECT_EQ(clean.maps, faulty.maps);
    EXPECT_EQ(faulty.counters.faults_reset, 1u);
    EXPECT_EQ(faulty.counters.recoveries, 1u);
}

TEST_F(CardRecovery, FirmwareHangTimesOutResetsAndReloads) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const Outcome clean = traffic_scenario(static_cast<bpfnic_fault_kind>(0), 0);
    // The hang takes the next command: the map write after batch 2 (or the swap-free traffic's
    // own commands before it), which then lands once on the recovered card.
    const Outcome faulty = traffic_scenario(BPFNIC_FAULT_MAILBOX_HANG, 0);
    expect_same(clean, faulty);
    EXPECT_EQ(faulty.counters.faults_mailbox, 1u);
    EXPECT_EQ(faulty.counters.recoveries, 1u);
    EXPECT_TRUE(logged(dev_, "mailbox", "not answered"));
}

TEST_F(CardRecovery, CardThatCannotBeRecoveredHandsTheProgramToTheJitWithItsMaps) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const Outcome clean = traffic_scenario(static_cast<bpfnic_fault_kind>(0), 0);
    // The firmware hangs at the map write after batch 2 and the image the recovery reloads
    // arrives corrupted: the program continues on the JIT, maps rebuilt from the shadow and log.
    const Outcome faulty = traffic_scenario(BPFNIC_FAULT_MAILBOX_HANG, 0, true);
    expect_same(clean, faulty);
    EXPECT_EQ(faulty.counters.faults_mailbox, 1u);
    EXPECT_EQ(faulty.counters.faults_image, 1u);
    EXPECT_EQ(faulty.counters.fallbacks, 1u);
    EXPECT_EQ(faulty.counters.recoveries, 0u);
    EXPECT_TRUE(logged(dev_, "recovery", "the card did not recover"));
    EXPECT_TRUE(logged(dev_, "fallback", "the card was lost"));
    // The card itself is free again for the next program.
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(run(p, traffic(1)[0]), 2u);
    bpfnic_prog__unload(p);
}

TEST_F(CardRecovery, ResetUnderTrafficWithoutAWayBackFinishesTheBatchInSoftware) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const Outcome clean = traffic_scenario(static_cast<bpfnic_fault_kind>(0), 0);
    const Outcome faulty = traffic_scenario(BPFNIC_FAULT_RESET, 100, true);
    expect_same(clean, faulty);
    EXPECT_EQ(faulty.counters.faults_reset, 1u);
    EXPECT_EQ(faulty.counters.fallbacks, 1u);
    EXPECT_EQ(faulty.counters.packets_lost, 0u);
}

TEST_F(CardRecovery, ResetWithTrafficInFlightThroughSendAndCollect) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    auto scenario = [&](bool fault) {
        Outcome o;
        bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);
        if (!p) return o;
        const auto pkts = traffic(200, 41, 300);
        if (fault) inject(dev_, BPFNIC_FAULT_RESET, 60);
        EXPECT_EQ(bpfnic_prog__send(p, pkts), 200) << bpfnic_last_error();
        EXPECT_EQ(bpfnic_dev__advance(dev_, 30000), 0);
        bpfnic_batch_result r;
        EXPECT_EQ(bpfnic_prog__collect(p, &r), 0) << bpfnic_last_error();
        expect_accounted(r, pkts.size());
        o.batches.push_back(r);
        o.maps = dump_all(p);
        o.counters = counters();
        bpfnic_prog__unload(p);
        return o;
    };
    const Outcome clean = scenario(false), faulty = scenario(true);
    ASSERT_EQ(faulty.batches.size(), 1u);
    expect_same_result(clean.batches[0], faulty.batches[0]);
    EXPECT_EQ(clean.maps, faulty.maps);
    EXPECT_EQ(faulty.counters.faults_reset, 1u);
    EXPECT_EQ(faulty.batches[0].replayed, 200u);
}

TEST_F(CardRecovery, FirmwareHangOnAMapLookupIsRetriedAfterRecovery) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    put(p, 7, 77);
    const MapDump before = dump_all(p);
    inject(dev_, BPFNIC_FAULT_MAILBOX_HANG);
    bpfnic_map* m = bpfnic_prog__map(p, "rxcnt");
    std::vector<uint8_t> value(bpfnic_map__value_size(m));
    const uint32_t k = 7;
    ASSERT_EQ(bpfnic_map__lookup_elem(m, &k, sizeof k, value.data(), value.size()), 0) << bpfnic_last_error();
    uint64_t v = 0;
    std::memcpy(&v, value.data(), 8);
    EXPECT_EQ(v, 77u);
    EXPECT_EQ(dump_all(p), before);
    EXPECT_EQ(counters().faults_mailbox, 1u);
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
