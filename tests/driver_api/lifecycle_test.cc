// SPDX-License-Identifier: MIT
// Lifecycle in the manner of the kernel's offload selftest: open and capabilities, load, run,
// replace (swap), unload, reload, the card held by one handle and one offloaded program at a time.
#include <cerrno>
#include <string>

#include "tests/driver_api/api_test_util.h"

namespace bpfnic::tests {
namespace {

class Lifecycle : public DeviceTest {};

TEST_F(Lifecycle, CapabilitiesDescribeTheCard) {
    if (!card()) {
        EXPECT_FALSE(caps_.why_no_hardware.empty());
        GTEST_SKIP() << caps_.why_no_hardware;
    }
    EXPECT_EQ(caps_.lanes, 4u);
    EXPECT_EQ(caps_.ports, 3u);
    EXPECT_EQ(caps_.imem_bundles, 4096u);
    EXPECT_EQ(caps_.max_maps, 64u);
    EXPECT_EQ(caps_.firmware_version, 0x00010000u);
    auto has_type = [&](uint32_t t) { return std::find(caps_.map_types.begin(), caps_.map_types.end(), t) != caps_.map_types.end(); };
    EXPECT_TRUE(has_type(1));    // hash
    EXPECT_TRUE(has_type(2));    // array
    EXPECT_FALSE(has_type(3));   // prog_array: no tail calls in hardware
    EXPECT_FALSE(has_type(12));  // array_of_maps
    auto has_helper = [&](int32_t h) { return std::find(caps_.helpers.begin(), caps_.helpers.end(), h) != caps_.helpers.end(); };
    EXPECT_TRUE(has_helper(1));    // map_lookup_elem
    EXPECT_TRUE(has_helper(23));   // redirect
    EXPECT_FALSE(has_helper(12));  // tail_call
    EXPECT_FALSE(has_helper(6));   // trace_printk
}

TEST_F(Lifecycle, TheCardHasOneHolder) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_dev* second = nullptr;
    EXPECT_EQ(bpfnic_dev__open(nullptr, &second), -EBUSY);
    EXPECT_EQ(second, nullptr);
    EXPECT_STREQ(bpfnic_last_error(), "dev__open: the card is already open in this process");
    // A software-only device is always available.
    bpfnic_dev_opts o = BPFNIC_DEV_OPTS();
    o.hardware = false;
    ASSERT_EQ(bpfnic_dev__open(&o, &second), 0) << bpfnic_last_error();
    bpfnic_counters c;
    EXPECT_EQ(bpfnic_dev__counters(second, &c), -ENODEV);
    bpfnic_dev__close(second);
}

TEST_F(Lifecycle, LoadRunReplaceUnloadReload) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    const auto pkts = traffic(4);
    // Load.
    bpfnic_prog* p = load("xdp_drop", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(bpfnic_prog__offloaded(p));
    EXPECT_STREQ(bpfnic_prog__fallback_reason(p), "");
    EXPECT_EQ(bpfnic_prog__fallback_insn(p), -1);
    EXPECT_GT(bpfnic_prog__bundles(p), 0u);
    EXPECT_EQ(run(p, pkts[0]), 1u);  // XDP_DROP
    // Replace: the same handle now runs xdp_pass, between two packets.
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_EQ(bpfnic_prog__swap(p, example("xdp_pass").c_str(), &o), 0) << bpfnic_last_error();
    EXPECT_STREQ(bpfnic_prog__name(p), "xdp_pass_prog");
    std::vector<uint8_t> out;
    EXPECT_EQ(run(p, pkts[1], &out), 2u);  // XDP_PASS, delivered on the RX ring
    EXPECT_EQ(out, pkts[1]);
    bpfnic_counters c = counters();
    EXPECT_EQ(c.fw_loads, 1u);
    EXPECT_EQ(c.fw_swaps, 1u);
    EXPECT_EQ(c.verdicts.drop, 1u);
    EXPECT_EQ(c.verdicts.pass, 1u);
    EXPECT_EQ(c.host_tx, 2u);  // both packets came from the host's TX ring
    EXPECT_EQ(c.host_rx, 1u);  // the passed one went back on the RX ring
    EXPECT_GT(c.dma_reads, 0u);
    // Unload: the card is free (and reset).
    bpfnic_prog__unload(p);
    c = counters();
    EXPECT_EQ(c.fw_loads, 0u);
    EXPECT_EQ(c.rx_frames, 0u);
    // Reload.
    p = load("xdp_tx", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(bpfnic_prog__offloaded(p));
    EXPECT_EQ(run(p, pkts[2]), 3u);  // XDP_TX, off the wire
    EXPECT_EQ(counters().fw_loads, 1u);
    bpfnic_prog__unload(p);
}

TEST_F(Lifecycle, OneOffloadedProgramAtATime) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* first = load("xdp_drop", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(first, nullptr);
    bpfnic_prog* second = nullptr;
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    EXPECT_EQ(bpfnic_prog__load(dev_, example("xdp_pass").c_str(), &o, &second), -EBUSY);
    EXPECT_STREQ(bpfnic_last_error(), "xdp_pass_prog: the card already runs 'xdp_drop_prog' (swap or unload it)");
    // offload=auto falls back to the JIT, saying why.
    second = load("xdp_pass", BPFNIC_OFFLOAD_AUTO);
    ASSERT_NE(second, nullptr);
    EXPECT_FALSE(bpfnic_prog__offloaded(second));
    EXPECT_STREQ(bpfnic_prog__fallback_reason(second), "the card already runs 'xdp_drop_prog'");
    const auto pkts = traffic(1);
    EXPECT_EQ(run(second, pkts[0]), 2u);
    EXPECT_EQ(run(first, pkts[0]), 1u);
    bpfnic_prog__unload(second);
    bpfnic_prog__unload(first);
}

TEST_F(Lifecycle, MissingFileAndProgram) {
    bpfnic_prog* p = nullptr;
    bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_AUTO);
    EXPECT_EQ(bpfnic_prog__load(dev_, "/nonexistent/x.o", &o, &p), -EINVAL);
    EXPECT_EQ(p, nullptr);
    o.prog_name = "no_such_prog";
    EXPECT_EQ(bpfnic_prog__load(dev_, example("xdp_pass").c_str(), &o, &p), -ENOENT);
    EXPECT_NE(std::string(bpfnic_last_error()).find("no program named 'no_such_prog'"), std::string::npos)
        << bpfnic_last_error();
    o.prog_name = nullptr;
    o.sz = 4;
    EXPECT_EQ(bpfnic_prog__load(dev_, example("xdp_pass").c_str(), &o, &p), -EINVAL);
}

}  // namespace
}  // namespace bpfnic::tests
