// SPDX-License-Identifier: MIT
// Instruction corner cases and hardware traps on the simulated core, each compared with the
// interpreter (co-simulation on, so every retired instruction is checked too), on 1 and 4 lanes.
#include <gtest/gtest.h>

#include "compiler/asm.h"
#include "tests/rtl/rtl_test_util.h"

namespace bpfnic::tests {
namespace {

struct Corner {
    const char* name;
    const char* text;
    uint64_t expected;
};

// Each program leaves its answer in r0.
const Corner kCorners[] = {
    {"div64_by_zero", "mov %r0, 7\nmov %r1, 0\ndiv %r0, %r1\nexit", 0},
    {"mod64_by_zero_keeps_dst", "lddw %r0, 0x1122334455667788\nmov %r1, 0\nmod %r0, %r1\nexit", 0x1122334455667788},
    {"mod32_by_zero_zero_extends", "lddw %r0, 0x1122334455667788\nmov %r1, 0\nmod32 %r0, %r1\nexit", 0x55667788},
    {"div32_by_zero", "mov %r0, -1\nmov32 %r1, 0\ndiv32 %r0, %r1\nexit", 0},
    {"sdiv64_intmin_by_minus1", "lddw %r0, 0x8000000000000000\nmov %r1, -1\nsdiv %r0, %r1\nexit",
     0x8000000000000000},
    {"smod64_intmin_by_minus1", "lddw %r0, 0x8000000000000000\nmov %r1, -1\nsmod %r0, %r1\nexit", 0},
    {"sdiv32_intmin_by_minus1", "mov32 %r0, 0x80000000\nmov32 %r1, -1\nsdiv32 %r0, %r1\nexit", 0x80000000},
    {"smod32_negative", "mov32 %r0, -7\nmov32 %r1, 2\nsmod32 %r0, %r1\nexit", 0xffffffff},
    {"sdiv64_negative", "mov %r0, -7\nmov %r1, 2\nsdiv %r0, %r1\nexit", static_cast<uint64_t>(-3)},
    {"udiv64_large", "lddw %r0, 0xfffffffffffffffe\nmov %r1, 3\ndiv %r0, %r1\nexit", 0x5555555555555554},
    {"lsh64_masked", "mov %r0, 1\nmov %r1, 65\nlsh %r0, %r1\nexit", 2},
    {"lsh32_masked", "mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1\nexit", 2},
    {"arsh32_zero_extends", "mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit", 0xf8000000},
    {"arsh64", "lddw %r0, 0x8000000000000000\narsh %r0, 63\nexit", ~uint64_t{0}},
    {"alu32_zero_extends", "mov %r0, -1\nadd32 %r0, 1\nexit", 0},
    {"neg32", "mov %r0, 5\nneg32 %r0\nexit", 0xfffffffb},
    {"movsx8_64", "mov %r1, 0x80\nmovsx864 %r0, %r1\nexit", 0xffffffffffffff80},
    {"movsx16_32", "mov %r1, 0x8001\nmovsx1632 %r0, %r1\nexit", 0xffff8001},
    {"movsx32_64", "mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1\nexit", 0xffffffff80000000},
    {"be16", "mov %r0, 0x1122\nbe16 %r0\nexit", 0x2211},
    {"be64", "lddw %r0, 0x1122334455667788\nbe64 %r0\nexit", 0x8877665544332211},
    {"le32_truncates", "lddw %r0, 0x1122334455667788\nle32 %r0\nexit", 0x55667788},
    {"bswap16", "lddw %r0, 0x1122334455667788\nbswap16 %r0\nexit", 0x8877},
    {"jslt32_signed", "mov32 %r1, 0xffffffff\nmov %r0, 0\njslt32 %r1, 0, yes\nexit\nyes:\nmov %r0, 1\nexit", 1},
    {"jgt_unsigned", "mov %r1, -1\nmov %r0, 0\njgt %r1, 5, yes\nexit\nyes:\nmov %r0, 1\nexit", 1},
    {"forward_chain", "mov %r1, 1\nadd %r1, 1\nadd %r1, %r1\nmul %r1, %r1\nmov %r0, %r1\nexit", 16},
    {"load_use", "mov %r1, 42\nstxdw [%r10-8], %r1\nldxdw %r2, [%r10-8]\nadd %r2, 1\nmov %r0, %r2\nexit", 43},
    {"unaligned_stack", "lddw %r1, 0x0102030405060708\nstxdw [%r10-13], %r1\nldxw %r0, [%r10-11]\nexit",
     0x03040506},
    {"atomic_fetch_add_stack",
     "mov %r1, 5\nstxdw [%r10-8], %r1\nmov %r2, 3\nlock fetch add [%r10-8], %r2\nldxdw %r0, [%r10-8]\nadd %r0, %r2\nexit",
     13},
    {"atomic_cmpxchg_stack",
     "mov %r1, 5\nstxdw [%r10-8], %r1\nmov %r0, 5\nmov %r2, 9\nlock cmpxchg [%r10-8], %r2\nldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit",
     14},
    {"call_local_saves_r6",
     "mov %r6, 10\ncall local f\nadd %r0, %r6\nexit\nf:\nmov %r6, 99\nmov %r0, 1\nexit", 11},
    {"call_local_stack_frames",
     "mov %r1, 7\nstxdw [%r10-8], %r1\ncall local f\nldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit\n"
     "f:\nmov %r1, 100\nstxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit",
     107},
    {"stack_is_zero_at_start", "ldxdw %r0, [%r10-16]\nexit", 0},
};

// Programs the hardware must abort (and the interpreter refuses too).
struct Trap {
    const char* name;
    const char* text;
};
const Trap kTraps[] = {
    {"stack_above_top", "ldxdw %r0, [%r10+0]\nexit"},
    {"stack_below_frames", "mov %r1, %r10\nsub %r1, 4104\nldxdw %r0, [%r1+0]\nexit"},
    {"null_load", "mov %r1, 0\nldxb %r0, [%r1+0]\nexit"},
    {"call_depth",
     "call local a\nexit\na:\ncall local b\nexit\nb:\ncall local c\nexit\nc:\ncall local d\nexit\nd:\ncall local e\nexit\n"
     "e:\ncall local f\nexit\nf:\ncall local g\nexit\ng:\ncall local h\nexit\nh:\nmov %r0, 1\nexit"},
};

class RtlCorner : public ::testing::TestWithParam<unsigned> {};

TEST_P(RtlCorner, MatchesInterpreterAndExpectation) {
    for (const Corner& c : kCorners) {
        SCOPED_TRACE(c.name);
        const auto insns = assemble(c.text);
        const HwOutcome ref = run_program("interp", insns, {}, false);
        const HwOutcome hw = run_program("hw", insns, {}, false, GetParam(), true);
        ASSERT_TRUE(ref.ok) << ref.error;
        ASSERT_TRUE(hw.ok) << hw.error;
        EXPECT_EQ(ref.r0, c.expected);
        EXPECT_EQ(hw.r0, c.expected);
        EXPECT_EQ(hw.insns, ref.insns);
    }
}

TEST_P(RtlCorner, TrapsWhereTheInterpreterFaults) {
    for (const Trap& t : kTraps) {
        SCOPED_TRACE(t.name);
        const auto insns = assemble(t.text);
        const HwOutcome ref = run_program("interp", insns, {}, false);
        const HwOutcome hw = run_program("hw", insns, {}, false, GetParam(), true);
        EXPECT_FALSE(ref.ok);
        EXPECT_FALSE(hw.ok);
        EXPECT_NE(hw.error.find("hw: instruction"), std::string::npos) << hw.error;
    }
}

TEST_P(RtlCorner, PacketBoundsAndContext) {
    std::vector<uint8_t> pkt(64);
    for (size_t i = 0; i < pkt.size(); ++i) pkt[i] = static_cast<uint8_t>(i);
    // Reads the byte at data + 10 after a bounds check, writes it to data[0], returns XDP_TX (3).
    const auto ok = assemble(
        "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 11\njgt %r4, %r3, out\n"
        "ldxb %r5, [%r2+10]\nstxb [%r2+0], %r5\nmov %r0, 3\nexit\nout:\nmov %r0, 1\nexit");
    const HwOutcome ref = run_program("interp", ok, pkt, true);
    const HwOutcome hw = run_program("hw", ok, pkt, true, GetParam(), true);
    ASSERT_TRUE(hw.ok) << hw.error;
    EXPECT_EQ(hw.r0, 3u);
    EXPECT_EQ(hw.output, ref.output);
    EXPECT_EQ(hw.output[0], 10);
    // One byte past data_end traps.
    const auto oob = assemble("ldxw %r2, [%r1+4]\nldxb %r0, [%r2+0]\nexit");
    EXPECT_FALSE(run_program("hw", oob, pkt, true, GetParam(), false).ok);
    // The context is read only.
    const auto ctxw = assemble("mov %r2, 0\nstxw [%r1+0], %r2\nmov %r0, 2\nexit");
    const HwOutcome w = run_program("hw", ctxw, pkt, true, GetParam(), false);
    EXPECT_FALSE(w.ok);
    EXPECT_NE(w.error.find("read-only context"), std::string::npos) << w.error;
}

TEST_P(RtlCorner, HelpersAdjustHeadThroughTheHelperPort) {
    std::vector<uint8_t> pkt(60, 0xab);
    pkt[14] = 0x45;
    // adjust_head(ctx, 14) then return the first byte of the new packet (0x45).
    const auto prog = assemble(
        "mov %r6, %r1\nmov %r2, 14\ncall 44\njne %r0, 0, bad\nldxw %r2, [%r6+0]\nldxw %r3, [%r6+4]\n"
        "mov %r4, %r2\nadd %r4, 1\njgt %r4, %r3, bad\nldxb %r0, [%r2+0]\nexit\nbad:\nmov %r0, 0\nexit");
    const HwOutcome ref = run_program("interp", prog, pkt, true);
    const HwOutcome hw = run_program("hw", prog, pkt, true, GetParam(), true);
    ASSERT_TRUE(ref.ok) << ref.error;
    ASSERT_TRUE(hw.ok) << hw.error;
    EXPECT_EQ(hw.r0, 0x45u);
    EXPECT_EQ(hw.output, ref.output);
    EXPECT_EQ(hw.output.size(), 46u);
}

INSTANTIATE_TEST_SUITE_P(Lanes, RtlCorner, ::testing::Values(1u, 4u),
                         [](const auto& info) { return "L" + std::to_string(info.param); });

}  // namespace
}  // namespace bpfnic::tests
