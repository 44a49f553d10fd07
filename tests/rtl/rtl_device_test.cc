// SPDX-License-Identifier: MIT
// The device harness on its own: control-port memory access, bundles with work in every lane,
// pipeline counters (cycles, retired instructions, branch bubbles, divider stalls), the retire
// tracer's CSV and stack scrubbing between packets.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <cstring>
#include <sstream>

#include "compiler/asm.h"
#include "sim/address_map.h"
#include "sim/device.h"
#include "sim/retire_tracer.h"

namespace bpfnic::tests {
namespace {

namespace A = sim::addr;

struct NoMaps final : sim::MapMemory {
    sim::ExtResponse access(const sim::ExtRequest&) override { return {0, true, 1}; }
};
struct NoHelpers final : sim::HelperUnit {
    sim::HelperResponse call(sim::Device&, int32_t, const uint64_t*) override { return {0, false, true, 1}; }
};

uint64_t bits(const RawInsn& r) {
    uint64_t v;
    std::memcpy(&v, &r, 8);
    return v;
}

std::vector<uint64_t> one_per_bundle(const std::vector<RawInsn>& insns, unsigned lanes) {
    std::vector<uint64_t> s(insns.size() * lanes, 0);
    for (size_t i = 0; i < insns.size(); ++i) s[i * lanes] = bits(insns[i]);
    return s;
}

TEST(RtlDevice, ControlPortReadsBackWhatItWrote) {
    sim::Device dev(1);
    std::vector<uint8_t> bytes(37);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(3 * i + 1);
    dev.write_mem(A::kPktBase + 261, bytes);
    EXPECT_EQ(dev.read_mem(A::kPktBase + 261, bytes.size()), bytes);
    dev.write_mem(A::kStackBase + 3, bytes);
    EXPECT_EQ(dev.read_mem(A::kStackBase + 3, bytes.size()), bytes);
    dev.write_u32(A::kCtxBase + 12, 0xdeadbeef);
    EXPECT_EQ(dev.read_u32(A::kCtxBase + 12), 0xdeadbeefu);
}

TEST(RtlDevice, FourLanesExecuteOneBundleInParallel) {
    sim::Device dev(4);
    // Bundle 0: four independent moves; bundle 1: three adds reading bundle 0's results; then exit.
    const auto a = assemble("mov %r0, 1\nmov %r1, 2\nmov %r2, 3\nmov %r3, 4\nexit");
    const auto b = assemble("add %r0, %r1\nadd %r2, %r3\nadd %r4, 5\nexit");
    const auto c = assemble("add %r0, %r2\nexit");
    std::vector<uint64_t> slots = {bits(a[0]), bits(a[1]), bits(a[2]), bits(a[3]),
                                   bits(b[0]), bits(b[1]), bits(b[2]), 0,
                                   bits(c[0]), 0,          0,          0,
                                   bits(a[4]), 0,          0,          0};
    dev.load_program(slots);
    NoMaps m;
    NoHelpers h;
    const sim::RunResult r = dev.run(0, 0, 0, m, h);
    ASSERT_FALSE(r.trapped) << sim::trap_name(r.trap_cause);
    EXPECT_EQ(r.r0, 1u + 2u + 3u + 4u);
    EXPECT_EQ(r.delta.bundles, 4u);
    EXPECT_EQ(r.delta.insns, 9u);
}

TEST(RtlDevice, CountersSeeBranchesAndDivisions) {
    sim::Device dev(1);
    const auto p = assemble("mov %r0, 100\nmov %r1, 7\ndiv %r0, %r1\nja +1\nmov %r0, 0\nexit");
    dev.load_program(one_per_bundle(p, 1));
    NoMaps m;
    NoHelpers h;
    const sim::RunResult r = dev.run(0, 0, 0, m, h);
    ASSERT_FALSE(r.trapped);
    EXPECT_EQ(r.r0, 14u);
    EXPECT_EQ(r.delta.insns, 5u);
    EXPECT_EQ(r.delta.flushes, 1u);
    EXPECT_GE(r.delta.stall_div, 64u);
    EXPECT_GE(r.delta.cycles, r.delta.insns + r.delta.stall_div);
    EXPECT_EQ(r.delta.packets, 1u);
    EXPECT_EQ(r.delta.errors, 0u);
}

TEST(RtlDevice, TracerWritesOneCsvLinePerInstruction) {
    sim::Device dev(1);
    std::ostringstream csv;
    sim::RetireTracer tracer(csv);
    dev.add_retire_sink(&tracer);
    const auto p = assemble("mov %r0, 5\nstxdw [%r10-8], %r0\nexit");
    dev.load_program(one_per_bundle(p, 1));
    NoMaps m;
    NoHelpers h;
    dev.run(0, 0, 0, m, h);
    const std::string s = csv.str();
    EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 4);
    EXPECT_NE(s.find("pc,insn,dst,dst_val,mem_addr,mem_val"), std::string::npos);
    EXPECT_NE(s.find("0,00000005000000b7,r0,0000000000000005"), std::string::npos) << s;
    EXPECT_NE(s.find("0000000000010ff8,0000000000000005"), std::string::npos) << s;
}

TEST(RtlDevice, StackRowsAreScrubbedBetweenPackets) {
    sim::Device dev(1);
    const auto p = assemble("ldxdw %r0, [%r10-8]\nmov %r1, 77\nstxdw [%r10-8], %r1\nexit");
    dev.load_program(one_per_bundle(p, 1));
    NoMaps m;
    NoHelpers h;
    EXPECT_EQ(dev.run(0, 0, 0, m, h).r0, 0u);
    const sim::RunResult second = dev.run(0, 0, 0, m, h);
    EXPECT_EQ(second.r0, 0u);
    EXPECT_GE(second.delta.scrub, 1u);
}

TEST(RtlDevice, LoopRunsAtOneBundlePerCycleAndReportsSpeed) {
    sim::Device dev(4);
    // 200000 iterations of a 4-instruction loop body: add, add, sub, jne (taken: one bubble).
    const auto p = assemble("mov %r0, 0\nmov %r1, 200000\nloop:\nadd %r0, 3\nadd %r0, %r1\nsub %r1, 1\n"
                            "jne %r1, 0, loop\nexit");
    dev.load_program(one_per_bundle(p, 4));
    NoMaps m;
    NoHelpers h;
    const auto t0 = std::chrono::steady_clock::now();
    const sim::RunResult r = dev.run(0, 0, 0, m, h);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(r.trapped);
    EXPECT_EQ(r.r0, 3u * 200000u + 200000ull * 200001ull / 2);
    EXPECT_EQ(r.delta.insns, 3u + 4u * 200000u);
    // One bundle per cycle plus one bubble per taken branch, plus pipeline fill.
    EXPECT_LE(r.delta.cycles, 5u * 200000u + 10u);
    EXPECT_EQ(r.delta.flushes, 200000u - 1u);
    std::cout << "[ rtl      ] 4-lane core: " << r.delta.cycles << " cycles in " << s << " s = "
              << (r.delta.cycles / s / 1e6) << " M cycles/s\n";
}

}  // namespace
}  // namespace bpfnic::tests
