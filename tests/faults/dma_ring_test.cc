// SPDX-License-Identifier: MIT
// DMA errors (the card cannot fetch a packet's frame, or cannot deliver a passed frame) and
// descriptor ring overflow (more packets queued than the TX ring holds, more passed frames than
// RX descriptors posted): every packet is accounted for, the counters say where, the rings go on.
#include <cerrno>
#include <string>

#include "tests/faults/fault_test_util.h"

namespace bpfnic::tests {
namespace {

class DmaAndRings : public DeviceTest {};

TEST_F(DmaAndRings, TxFetchErrorCountsThePacketAndTheRingGoesOn) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(60, 9, 400);
    inject(dev_, BPFNIC_FAULT_DMA_TX, 17);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    EXPECT_EQ(r.errors, 1u);
    EXPECT_EQ(r.verdicts.pass, pkts.size() - 1);
    // The frames that came out are the others, in order.
    std::vector<std::vector<uint8_t>> expected = pkts;
    expected.erase(expected.begin() + 17);
    EXPECT_EQ(r.passed, expected);
    bpfnic_counters c = counters();
    EXPECT_EQ(c.tx_errors, 1u);
    EXPECT_EQ(c.faults_dma, 1u);
    EXPECT_TRUE(logged(dev_, "dma", "could not fetch"));
    // The ring recovered: the same traffic again goes through whole.
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    EXPECT_EQ(r.errors, 0u);
    EXPECT_EQ(r.passed, pkts);
    bpfnic_prog__unload(p);
}

TEST_F(DmaAndRings, TxFetchErrorOnOneRunIsAnErrorNotAVerdict) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    const auto pkt = traffic(1, 4, 200)[0];
    inject(dev_, BPFNIC_FAULT_DMA_TX, 0);
    bpfnic_test_run_opts o = BPFNIC_TEST_RUN_OPTS();
    o.data_in = pkt.data();
    o.data_size_in = static_cast<uint32_t>(pkt.size());
    EXPECT_EQ(bpfnic_prog__run(p, &o), -EIO);
    EXPECT_NE(std::string(bpfnic_last_error()).find("DMA error"), std::string::npos) << bpfnic_last_error();
    EXPECT_EQ(run(p, pkt), 2u);  // XDP_PASS: the next run is whole
    EXPECT_EQ(counters().tx_errors, 1u);
    bpfnic_prog__unload(p);
}

TEST_F(DmaAndRings, RxDeliveryErrorCountsTheLostFrame) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(50, 12, 300);
    inject(dev_, BPFNIC_FAULT_DMA_RX, 6);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    EXPECT_EQ(r.verdicts.pass, pkts.size());
    EXPECT_EQ(r.pass_lost, 1u);
    std::vector<std::vector<uint8_t>> expected = pkts;
    expected.erase(expected.begin() + 6);
    EXPECT_EQ(r.passed, expected);
    const bpfnic_counters c = counters();
    EXPECT_EQ(c.rx_errors, 1u);
    EXPECT_EQ(c.rx_dropped, 0u);
    EXPECT_TRUE(logged(dev_, "dma", "lost delivering"));
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    EXPECT_EQ(r.passed, pkts);
    bpfnic_prog__unload(p);
}

TEST_F(DmaAndRings, SendingMoreThanTheTxRingHoldsGivesEnospcAndLosesNothing) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_drop", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(300, 2, 128);
    const int sent = bpfnic_prog__send(p, pkts);
    ASSERT_GT(sent, 0) << bpfnic_last_error();
    EXPECT_LT(sent, 300);
    // The card has not run yet: the ring is full until the host lets time pass.
    const std::vector<std::vector<uint8_t>> rest(pkts.begin() + sent, pkts.end());
    EXPECT_EQ(bpfnic_prog__send(p, rest), -ENOSPC);
    EXPECT_NE(std::string(bpfnic_last_error()).find("TX ring is full"), std::string::npos);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__collect(p, &r), 0) << bpfnic_last_error();
    expect_accounted(r, static_cast<uint64_t>(sent));
    EXPECT_EQ(r.verdicts.drop, static_cast<uint64_t>(sent));
    // run_batch waits for room instead: all 300.
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    bpfnic_prog__unload(p);
}

TEST_F(DmaAndRings, PassedFramesBeyondThePostedRxBuffersAreCountedDrops) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(400, 21, 128);
    // Queue a ring's worth, let the card pass them all (the host reaps nothing meanwhile), queue
    // the rest: the RX ring has no descriptor left for them.
    const int first = bpfnic_prog__send(p, pkts);
    ASSERT_GT(first, 0) << bpfnic_last_error();
    ASSERT_EQ(bpfnic_dev__advance(dev_, 2e6), 0);
    const std::vector<std::vector<uint8_t>> rest(pkts.begin() + first, pkts.end());
    ASSERT_EQ(bpfnic_prog__send(p, rest), static_cast<int>(rest.size())) << bpfnic_last_error();
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__collect(p, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    EXPECT_EQ(r.verdicts.pass, pkts.size());
    EXPECT_GT(r.pass_lost, 0u);
    const bpfnic_counters c = counters();
    EXPECT_EQ(c.rx_no_desc, r.pass_lost);
    EXPECT_EQ(c.rx_dropped, r.pass_lost);
    EXPECT_EQ(c.rx_errors, 0u);
    EXPECT_TRUE(logged(dev_, "ring", "no RX descriptor"));
    // The frames that made it are the first ones, in order.
    ASSERT_LE(r.passed.size(), pkts.size());
    EXPECT_TRUE(std::equal(r.passed.begin(), r.passed.end(), pkts.begin()));
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
