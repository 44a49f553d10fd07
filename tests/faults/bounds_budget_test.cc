// SPDX-License-Identifier: MIT
// Programs the verifier did not check: an access the hardware's bounds check catches, and a loop
// that never ends. Each packet that trips them is XDP_ABORTED and counted; the next one runs
// normally; the card, the interpreter (bounds-checked, instruction budget) agree.
#include <cerrno>
#include <string>

#include "compiler/image.h"
#include "compiler/passes/pipeline.h"
#include "tests/faults/fault_test_util.h"

namespace bpfnic::tests {
namespace {

// Raw (unverified): frames of 200 bytes or more are read 20000 bytes past their start, outside
// the card's packet buffer; shorter ones pass.
constexpr const char* kOutOfBounds = R"(
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r3 -= r2
    r0 = 2
    if r3 < 200 goto +2
    r4 = *(u8 *)(r2 + 20000)
    r0 = 1
    exit
)";

// Raw (unverified): never ends.
constexpr const char* kEndless = R"(
    r0 = 2
    goto -1
    exit
)";

std::vector<std::vector<uint8_t>> sized(std::initializer_list<uint32_t> sizes) {
    std::vector<std::vector<uint8_t>> out;
    auto pool = traffic(sizes.size(), 17, 1500);
    size_t i = 0;
    for (uint32_t n : sizes) {
        std::vector<uint8_t> p = pool[i++];
        p.resize(n, 0x5a);
        out.push_back(p);
    }
    return out;
}

class Unverified : public DeviceTest {};

TEST_F(Unverified, HardwareBoundsCheckAbortsThePacketAndTheNextRunsNormally) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = nullptr;
    // Cross-check mode: every packet also on the interpreter, which checks bounds in software.
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE, true);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, asm_object("oob", kOutOfBounds, ProgType::Unspec), &o, &p), 0)
        << bpfnic_last_error();
    ASSERT_TRUE(bpfnic_prog__offloaded(p));
    const auto pkts = sized({64, 300, 120, 1500, 60, 199, 200});
    const std::vector<uint32_t> expected = {2, 0, 2, 0, 2, 2, 0};
    const bpfnic_counters c0 = counters();
    for (size_t i = 0; i < pkts.size(); ++i) EXPECT_EQ(run(p, pkts[i]), expected[i]) << "packet " << i;
    const bpfnic_counters c1 = counters();
    EXPECT_EQ(c1.core_errors - c0.core_errors, 3u);
    EXPECT_EQ(c1.faults_bounds - c0.faults_bounds, 3u);
    EXPECT_EQ(c1.verdicts.aborted - c0.verdicts.aborted, 3u);
    EXPECT_EQ(c1.verdicts.pass - c0.verdicts.pass, 4u);
    EXPECT_TRUE(logged(dev_, "bounds", "outside the bounds the hardware checks"));
    bpfnic_xcheck_report rep;
    ASSERT_EQ(bpfnic_prog__xcheck_report(p, &rep), 0);
    EXPECT_EQ(rep.packets, pkts.size());
    EXPECT_EQ(rep.mismatches, 0u) << rep.first_engine << " " << rep.first_what;
    bpfnic_prog__unload(p);
}

TEST_F(Unverified, ImageSwappedInPastTheVerifierIsCaughtByTheHardware) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = load("xdp_pass", BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_NE(p, nullptr);
    // The same XDP program type, compiled without the verifier (which rejects it): an image the
    // firmware checks only for structure and resources.
    const Object bad = asm_object("oob", kOutOfBounds);
    CompileOptions co;
    co.lanes = caps_.lanes;
    const CompileResult cr = compile_program(bad.programs[0], bad.maps, software_xdp_platform(), co, false);
    ASSERT_TRUE(cr.offloadable);
    ASSERT_EQ(bpfnic_prog__swap_image(p, serialize_image(cr.image)), 0) << bpfnic_last_error();
    const auto pkts = sized({100, 800, 64});
    EXPECT_EQ(run(p, pkts[0]), 2u);
    EXPECT_EQ(run(p, pkts[1]), 0u);  // stopped by the hardware: XDP_ABORTED
    EXPECT_EQ(run(p, pkts[2]), 2u);  // and the next packet runs normally
    EXPECT_EQ(counters().faults_bounds, 1u);
    EXPECT_EQ(counters().core_errors, 1u);
    bpfnic_prog__unload(p);
}

TEST_F(Unverified, BatchOnTheCardCountsEveryBoundsAbort) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    bpfnic_prog* p = nullptr;
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, asm_object("oob", kOutOfBounds, ProgType::Unspec), &o, &p), 0)
        << bpfnic_last_error();
    const auto pkts = traffic(80, 23, 400);
    uint64_t big = 0;
    for (const auto& k : pkts) big += k.size() >= 200;
    ASSERT_GT(big, 0u);
    ASSERT_LT(big, pkts.size());
    bpfnic_batch_result r;
    ASSERT_EQ(bpfnic_prog__run_batch(p, pkts, &r), 0) << bpfnic_last_error();
    expect_accounted(r, pkts.size());
    EXPECT_EQ(r.verdicts.aborted, big);
    EXPECT_EQ(r.verdicts.pass, pkts.size() - big);
    EXPECT_EQ(counters().faults_bounds, big);
    bpfnic_prog__unload(p);
}

TEST_F(Unverified, InterpreterRunsThemBoundsChecked) {
    bpfnic_prog* p = nullptr;
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_NEVER);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, asm_object("oob", kOutOfBounds, ProgType::Unspec), &o, &p), 0)
        << bpfnic_last_error();
    EXPECT_STREQ(bpfnic_prog__engine(p), "interp");
    EXPECT_EQ(run(p, sized({300})[0]), 0u);
    EXPECT_EQ(run(p, sized({100})[0]), 2u);
    EXPECT_TRUE(logged(dev_, "bounds", "out-of-bounds read"));
    bpfnic_prog__unload(p);
}

TEST_F(Unverified, EndlessLoopStopsAtTheCardsCycleBudget) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    ASSERT_EQ(bpfnic_dev__set_cycle_budget(dev_, 50000), 0) << bpfnic_last_error();
    bpfnic_prog* p = nullptr;
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_REQUIRE);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, asm_object("endless", kEndless, ProgType::Unspec), &o, &p), 0)
        << bpfnic_last_error();
    const auto pkts = traffic(3, 1, 128);
    for (const auto& k : pkts) EXPECT_EQ(run(p, k), 0u);  // XDP_ABORTED, each time
    const bpfnic_counters c = counters();
    EXPECT_EQ(c.faults_budget, 3u);
    EXPECT_EQ(c.verdicts.aborted, 3u);
    EXPECT_TRUE(logged(dev_, "budget", "budget of 50000 cycles"));
    bpfnic_prog__unload(p);
    ASSERT_EQ(bpfnic_dev__set_cycle_budget(dev_, 10000000), 0);
}

TEST_F(Unverified, EndlessLoopStopsAtTheInterpretersInstructionBudget) {
    bpfnic_prog* p = nullptr;
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_NEVER);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, asm_object("endless", kEndless, ProgType::Unspec), &o, &p), 0)
        << bpfnic_last_error();
    EXPECT_STREQ(bpfnic_prog__engine(p), "interp");  // never the JIT: it has no budget
    EXPECT_EQ(run(p, traffic(1)[0]), 0u);
    EXPECT_TRUE(logged(dev_, "budget", "instruction budget of 67108864 exceeded"));
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
