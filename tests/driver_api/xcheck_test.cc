// SPDX-License-Identifier: MIT
// Cross-check mode: the example IO modules over generated traffic on the card (or the JIT when
// they fall back), the JIT and the interpreter, with zero mismatches; and a planted difference
// reported with its packet, both results and the co-simulation's verdict on the core.
#include <cerrno>
#include <string>

#include "compiler/image.h"
#include "compiler/loader.h"
#include "compiler/passes/pipeline.h"
#include "tests/driver_api/api_test_util.h"

namespace bpfnic::tests {
namespace {

class CrossCheckExamples : public DeviceTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(CrossCheckExamples, ZeroMismatchesOverGeneratedTraffic) {
    const std::string name = GetParam();
    bpfnic_prog* p = load(name, BPFNIC_OFFLOAD_AUTO, true);
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(60, 3, 600);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    EXPECT_EQ(r.packets_in, pkts.size());
    EXPECT_EQ(r.verdicts.total(), pkts.size());
    bpfnic_xcheck_report x;
    ASSERT_EQ(bpfnic_prog__xcheck_report(p, &x), 0) << bpfnic_last_error();
    EXPECT_EQ(x.packets, pkts.size());
    ASSERT_GE(x.engines.size(), 2u);
    EXPECT_EQ(x.engines[0], "interp");
    if (bpfnic_prog__offloaded(p)) {
        EXPECT_EQ(x.engines, (std::vector<std::string>{"interp", "hw", "jit"}));
        EXPECT_GT(r.cycles, 0u);
    } else {
        EXPECT_EQ(x.engines, (std::vector<std::string>{"interp", "jit"}));
        EXPECT_FALSE(std::string(bpfnic_prog__fallback_reason(p)).empty());
    }
    EXPECT_EQ(x.mismatches, 0u) << name << ": packet " << x.first_packet << " on " << x.first_engine << ": "
                                << x.first_what << " (verdict " << x.first_actual.verdict << ", expected "
                                << x.first_expected.verdict << ")\n"
                                << x.first_divergence << "\nmap digests: expected " << ::testing::PrintToString(x.first_expected.map_digests)
                                << ", got " << ::testing::PrintToString(x.first_actual.map_digests);
    bpfnic_prog__unload(p);
}

INSTANTIATE_TEST_SUITE_P(Examples, CrossCheckExamples,
                         ::testing::Values("xdp_pass", "xdp_drop", "xdp_tx", "xdp1", "xdp2", "xdp_adjust_tail",
                                           "tx_ip_tunnel", "xdp_redirect", "simple_firewall", "katran_lb", "globals",
                                           "subprog", "router_ipv4", "tail_call"));

TEST_F(DeviceTest, CrossCheckReportsThePlantedMismatch) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE, true);
    ASSERT_NE(p, nullptr);
    const auto pkts = traffic(5, 4);
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, {pkts[0], pkts[1]}, &r), 0) << bpfnic_last_error();
    // Behind the driver's back the card gets xdp_drop's image: the host still thinks xdp_pass runs.
    const Object drop = load_object(example("xdp_drop"));
    CompileOptions o;
    o.lanes = caps_.lanes;
    const CompileResult c = compile_program(drop.programs[0], drop.maps, software_xdp_platform(), o);
    ASSERT_EQ(bpfnic_prog__swap_image(p, serialize_image(c.image)), 0) << bpfnic_last_error();
    ASSERT_EQ(bpfnic_prog__run_batch(p, {pkts[2], pkts[3], pkts[4]}, &r), 0) << bpfnic_last_error();
    bpfnic_xcheck_report x;
    ASSERT_EQ(bpfnic_prog__xcheck_report(p, &x), 0);
    EXPECT_EQ(x.packets, 5u);
    EXPECT_EQ(x.mismatches, 3u);
    EXPECT_EQ(x.first_packet, 2u);
    EXPECT_EQ(x.first_input, pkts[2]);
    EXPECT_EQ(x.first_engine, "hw");
    EXPECT_EQ(x.first_what, "verdict");
    EXPECT_EQ(x.first_expected.verdict, 2u);
    EXPECT_EQ(x.first_expected.data, pkts[2]);
    EXPECT_EQ(x.first_actual.verdict, 1u);
    EXPECT_TRUE(x.first_actual.data.empty());
    // The core itself runs xdp_pass correctly: co-simulation finds no diverging instruction, and the
    // compiled program agrees too, which puts the difference outside the core.
    EXPECT_EQ(x.first_divergence.rfind("co-simulation: the core and the interpreter agree on all ", 0), 0u)
        << x.first_divergence;
    EXPECT_NE(x.first_divergence.find("the program compiled for 4 lanes on the hw engine agrees with the interpreter: "
                                      "the difference lies outside the core (NIC datapath, DMA, firmware)"),
              std::string::npos)
        << x.first_divergence;
    bpfnic_prog__unload(p);
}

TEST_F(DeviceTest, CrossCheckNeedsTheMode) {
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_AUTO, false);
    ASSERT_NE(p, nullptr);
    bpfnic_xcheck_report x;
    EXPECT_EQ(bpfnic_prog__xcheck_report(p, &x), -EINVAL);
    EXPECT_STREQ(bpfnic_last_error(), "xdp_pass_prog: not loaded in cross-check mode");
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
