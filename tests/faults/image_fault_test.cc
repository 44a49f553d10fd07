// SPDX-License-Identifier: MIT
// Corrupted firmware images (a bit flipped or the transfer cut short in the image the card DMAs):
// the firmware refuses them by their checksum or structure; a load falls back to the JIT saying
// why, a swap leaves the running program and its maps as they were.
#include <cerrno>
#include <string>

#include "tests/faults/fault_test_util.h"

namespace bpfnic::tests {
namespace {

class ImageFaults : public DeviceTest {};

TEST_F(ImageFaults, BitFlipOnLoadFallsBackToTheJitWithTheReason) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    inject(dev_, BPFNIC_FAULT_IMAGE_BITFLIP, 0, 200, 5);
    bpfnic_prog* p = load("xdp2", BPFNIC_OFFLOAD_AUTO);
    ASSERT_NE(p, nullptr);
    EXPECT_FALSE(bpfnic_prog__offloaded(p));
    EXPECT_STREQ(bpfnic_prog__engine(p), "jit");
    const std::string why = bpfnic_prog__fallback_reason(p);
    EXPECT_NE(why.find("the card refused the image"), std::string::npos) << why;
    EXPECT_NE(why.find("image"), std::string::npos) << why;
    const bpfnic_counters c = counters();
    EXPECT_EQ(c.faults_image, 1u);
    EXPECT_EQ(c.fallbacks, 1u);
    EXPECT_TRUE(logged(dev_, "fallback", "xdp_prog2: the card refused the image"));
    // The fallback runs the program: xdp2 swaps MACs and sends every IPv4/IPv6 frame back.
    const auto pkts = traffic(40, 3, 256);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    bpfnic_prog__unload(p);
    // The fault was used up: the next load reaches the card.
    p = load("xdp2", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(bpfnic_prog__offloaded(p));
    bpfnic_prog__unload(p);
}

TEST_F(ImageFaults, TruncatedImageWithRequireFailsNamingTheParseError) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    inject(dev_, BPFNIC_FAULT_IMAGE_TRUNCATE, 0, 100);
    bpfnic_prog* p = nullptr;
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    EXPECT_EQ(bpfnic_prog__load(dev_, example("xdp1").c_str(), &o, &p), -EINVAL);
    EXPECT_EQ(p, nullptr);
    const std::string msg = bpfnic_last_error();
    EXPECT_NE(msg.find("the card refused the image: load: image"), std::string::npos) << msg;
    EXPECT_EQ(counters().faults_image, 1u);
    EXPECT_EQ(counters().fallbacks, 0u);
    p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    bpfnic_prog__unload(p);
}

TEST_F(ImageFaults, CorruptSwapLeavesTheRunningProgramAndItsMaps) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp1", BPFNIC_OFFLOAD_REQUIRE);  // counts per protocol, drops
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(120, 5, 300);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    const MapDump before = dump_all(p);
    ASSERT_FALSE(before.at("rxcnt").empty());

    inject(dev_, BPFNIC_FAULT_IMAGE_BITFLIP, 0, 4000, 1);
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    EXPECT_EQ(bpfnic_prog__swap(p, example("xdp2").c_str(), &o), -EINVAL);
    const std::string msg = bpfnic_last_error();
    EXPECT_NE(msg.find("the running program is unchanged"), std::string::npos) << msg;
    EXPECT_STREQ(bpfnic_prog__name(p), "xdp_prog1");
    EXPECT_STREQ(bpfnic_prog__engine(p), "hw");
    EXPECT_EQ(dump_all(p), before);
    // Still xdp1: every packet dropped and counted.
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    EXPECT_EQ(r.verdicts.drop, pkts.size());
    const bpfnic_counters c = counters();
    EXPECT_EQ(c.faults_image, 1u);
    EXPECT_EQ(c.fw_images_refused, 1u);
    EXPECT_EQ(c.fw_swaps, 0u);
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
