// SPDX-License-Identifier: MIT
// Assembler input forms: the conformance syntax's spellings and aliases, llvm-objdump's syntax
// (including pasted objdump output with addresses and symbol annotations), labels and comments.
#include <gtest/gtest.h>

#include "compiler/asm.h"
#include "compiler/disasm.h"
#include "compiler/error.h"
#include "tests/isa/isa_samples.h"

namespace bpfnic {
namespace {

using testing::raw_insn;

const RawInsn kExit = raw_insn(op::kClsJmp | op::kExit);

// Assembles one instruction between four exits on each side (so jumps of up to 4 slots stay
// inside the program) and returns the instruction's slots.
std::vector<RawInsn> one(const std::string& text) {
    const std::string pad = "exit\nexit\nexit\nexit\n";
    std::vector<RawInsn> v = assemble(pad + text + "\n" + pad);
    EXPECT_GE(v.size(), 9u);
    if (v.size() < 9) return {};
    for (size_t k = 0; k < 4; ++k) {
        EXPECT_EQ(v[k], kExit);
        EXPECT_EQ(v[v.size() - 1 - k], kExit);
    }
    return std::vector<RawInsn>(v.begin() + 4, v.end() - 4);
}

TEST(AsmSyntax, LlvmForms) {
    struct Case {
        const char* text;
        std::vector<RawInsn> want;
    };
    const Case cases[] = {
        {"r0 = 1", {raw_insn(0xb7, 0, 0, 0, 1)}},
        {"w0 += w1", {raw_insn(0x0c, 0, 1)}},
        {"r0 = *(u32 *)(r1 + 8)", {raw_insn(0x61, 0, 1, 8)}},
        {"w0 = *(u32 *)(r1 + 8)", {raw_insn(0x61, 0, 1, 8)}},
        {"*(u64 *)(r10 - 8) = r1", {raw_insn(0x7b, 10, 1, -8)}},
        {"*(u32 *)(r10 - 8) = w1", {raw_insn(0x63, 10, 1, -8)}},
        {"*(u16 *)(r10 - 2) = 0x1234", {raw_insn(0x6a, 10, 0, -2, 0x1234)}},
        {"if r1 > 0x5 goto +3 <LBB0_2>", {raw_insn(0x25, 1, 0, 3, 5)}},
        {"if w1 s< w2 goto -4", {raw_insn(0xce, 1, 2, -4)}},
        {"if r1 & r2 goto +0", {raw_insn(0x4d, 1, 2, 0)}},
        {"goto +2", {raw_insn(0x05, 0, 0, 2)}},
        {"gotol +2", {raw_insn(0x06, 0, 0, 0, 2)}},
        {"call 1", {raw_insn(0x85, 0, 0, 0, 1)}},
        {"r1 = 0x1122334455667788 ll", {raw_insn(0x18, 1, 0, 0, 0x55667788), raw_insn(0, 0, 0, 0, 0x11223344)}},
        {"r1 = -1 ll", {raw_insn(0x18, 1, 0, 0, -1), raw_insn(0, 0, 0, 0, -1)}},
        {"r1 = be16 r1", {raw_insn(0xdc, 1, 0, 0, 16)}},
        {"r1 = le32 r1", {raw_insn(0xd4, 1, 0, 0, 32)}},
        {"r1 = bswap32 r1", {raw_insn(0xd7, 1, 0, 0, 32)}},
        {"r0 = (s8)r1", {raw_insn(0xbf, 0, 1, 8)}},
        {"w0 = (s16)w1", {raw_insn(0xbc, 0, 1, 16)}},
        {"r0 = *(s16 *)(r1 + 2)", {raw_insn(0x89, 0, 1, 2)}},
        {"lock *(u64 *)(r1 + 0) += r2", {raw_insn(0xdb, 1, 2, 0, 0)}},
        {"lock *(u32 *)(r1 + 0) += r2", {raw_insn(0xc3, 1, 2, 0, 0)}},
        {"lock *(u32 *)(r1 + 0) ^= w2", {raw_insn(0xc3, 1, 2, 0, 0xa0)}},
        {"r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)", {raw_insn(0xdb, 1, 0, 0, 0x01)}},
        {"w3 = atomic_fetch_and((u32 *)(r1 - 4), w3)", {raw_insn(0xc3, 1, 3, -4, 0x51)}},
        {"r0 = xchg_64(r1 + 0, r0)", {raw_insn(0xdb, 1, 0, 0, 0xe1)}},
        {"r0 = cmpxchg_64(r1 + 0, r0, r2)", {raw_insn(0xdb, 1, 2, 0, 0xf1)}},
        {"r0 = -r0", {raw_insn(0x87, 0)}},
        {"w0 = -w0", {raw_insn(0x84, 0)}},
        {"r0 = *(u8 *)skb[12]", {raw_insn(0x30, 0, 0, 0, 12)}},
        {"r0 = *(u32 *)skb[r3]", {raw_insn(0x40, 0, 3)}},
        {"r0 s>>= 3", {raw_insn(0xc7, 0, 0, 0, 3)}},
        {"r0 %= r1", {raw_insn(0x9f, 0, 1)}},
        {"r0 s%= r1", {raw_insn(0x9f, 0, 1, 1)}},
        {"w0 s/= -3", {raw_insn(0x34, 0, 0, 1, -3)}},
        {"callx r5", {raw_insn(0x8d, 5)}},
        {"ld_pseudo r1, 1, 7", {raw_insn(0x18, 1, 1, 0, 7), raw_insn(0)}},
        {"r1 = map_fd[4] ll", {raw_insn(0x18, 1, 1, 0, 4), raw_insn(0)}},
        {"r1 = map_fd_value[4]+12 ll", {raw_insn(0x18, 1, 2, 0, 4), raw_insn(0, 0, 0, 0, 12)}},
        {"r1 = btf_id[9] ll", {raw_insn(0x18, 1, 3, 0, 9), raw_insn(0)}},
        {"r1 = func[-1] ll", {raw_insn(0x18, 1, 4, 0, -1), raw_insn(0)}},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(one(c.text), c.want);
    }
}

TEST(AsmSyntax, ConformanceAliases) {
    EXPECT_EQ(one("add64 %r1, 2"), one("add %r1, 2"));
    EXPECT_EQ(one("neg64 %r1"), one("neg %r1"));
    EXPECT_EQ(one("swap16 %r1"), one("bswap16 %r1"));
    EXPECT_EQ(one("movsx8 %r1, %r2"), one("movsx864 %r1, %r2"));
    EXPECT_EQ(one("lock add64 [%r1+0], %r2"), one("lock add [%r1], %r2"));
    EXPECT_EQ(one("call helper 7"), one("call 7"));
    EXPECT_EQ(one("call runtime 7"), one("call kfunc 7"));
    EXPECT_EQ(one("callx %r3"), one("call %r3"));
    EXPECT_EQ(one("ldxw %r0, [%r1]"), one("ldxw %r0, [%r1+0]"));
    EXPECT_EQ(one("mov %r0,1"), one("mov %r0, 1"));
    EXPECT_EQ(one("stb [%r10-1], 0xff"), (std::vector<RawInsn>{raw_insn(0x72, 10, 0, -1, 255)}));
    EXPECT_EQ(one("ldxh %r0, [%r1+0xffff]"), (std::vector<RawInsn>{raw_insn(0x69, 0, 1, -1)}));
    EXPECT_EQ(one("lddw %r0, 2147483648"),
              (std::vector<RawInsn>{raw_insn(0x18, 0, 0, 0, INT32_MIN), raw_insn(0)}));
}

TEST(AsmSyntax, LabelsAndComments) {
    const auto v = assemble(
        "# a comment line\n"
        "start:\n"
        "  mov %r0, 0            # trailing comment\n"
        "loop: add %r0, 1        ; another comment style\n"
        "  jne %r0, 3, loop      // and another\n"
        "  if r0 == 3 goto done\n"
        "  ja start\n"
        "done:\n"
        "  call local fn\n"
        "  call fn\n"
        "  exit\n"
        "fn:\r\n"
        "  r0 = 0\n"
        "  goto exit\n");
    const std::vector<RawInsn> want = {
        raw_insn(0xb7, 0, 0, 0, 0),  raw_insn(0x07, 0, 0, 0, 1), raw_insn(0x55, 0, 0, -2, 3),
        raw_insn(0x15, 0, 0, 1, 3),  raw_insn(0x05, 0, 0, -5),   raw_insn(0x85, 0, 1, 0, 2),
        raw_insn(0x85, 0, 1, 0, 1),  kExit,                      raw_insn(0xb7, 0, 0, 0, 0),
        raw_insn(0x05, 0, 0, -3),
    };
    EXPECT_EQ(v, want);
}

// The label `exit` is the first exit instruction unless defined (as in the conformance suite).
TEST(AsmSyntax, ImplicitExitLabel) {
    EXPECT_EQ(assemble("jne %r1, %r2, exit\nmov %r0, 1\nexit\nexit"),
              (std::vector<RawInsn>{raw_insn(0x5d, 1, 2, 1), raw_insn(0xb7, 0, 0, 0, 1), kExit, kExit}));
    EXPECT_EQ(assemble("ja exit\nexit\nexit:\nexit"),
              (std::vector<RawInsn>{raw_insn(0x05, 0, 0, 1), kExit, kExit}));
}

// llvm-objdump output pasted as is: addresses, symbol lines and jump annotations are ignored.
TEST(AsmSyntax, PastedObjdumpOutput) {
    const auto v = assemble(
        "0000000000000000 <xdp_prog>:\n"
        "       0:\tr0 = 2\n"
        "       1:\tif r1 > 5 goto +1 <LBB0_2>\n"
        "       2:\tr0 = 1\n"
        "\n"
        "0000000000000018 <LBB0_2>:\n"
        "       3:\tr1 = 1234605616436508552 ll\n"
        "       5:\tif r1 s< r2 goto -4 <xdp_prog+0x8>\n"
        "       6:\texit\n");
    EXPECT_EQ(v, (std::vector<RawInsn>{raw_insn(0xb7, 0, 0, 0, 2), raw_insn(0x25, 1, 0, 1, 5), raw_insn(0xb7, 0, 0, 0, 1),
                                       raw_insn(0x18, 1, 0, 0, 0x55667788), raw_insn(0, 0, 0, 0, 0x11223344),
                                       raw_insn(0xcd, 1, 2, -4), kExit}));
    // Symbol lines define labels.
    EXPECT_EQ(assemble("0000000000000000 <f>:\nr0 = 0\ngoto f\n"),
              (std::vector<RawInsn>{raw_insn(0xb7), raw_insn(0x05, 0, 0, -2)}));
}

}  // namespace
}  // namespace bpfnic
