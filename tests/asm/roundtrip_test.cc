// SPDX-License-Identifier: MIT
// Assembler and disassembler round trips over every form of the ISA table: conformance text
// written from the table assembles to the expected bytes, and the disassembly of those bytes in
// either syntax assembles back to the same bytes.
#include <gtest/gtest.h>

#include <set>

#include "compiler/asm.h"
#include "compiler/disasm.h"
#include "compiler/error.h"
#include "tests/isa/isa_samples.h"

namespace bpfnic {
namespace {

using testing::Sample;

std::string hex(const std::vector<RawInsn>& insns) {
    std::string s;
    char buf[4];
    for (uint8_t b : insns_to_bytes(insns)) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        s += buf;
    }
    return s;
}

std::vector<RawInsn> assemble_or_fail(const std::string& text) {
    try {
        return assemble(text);
    } catch (const Error& e) {
        ADD_FAILURE() << e.what() << "\n--- text:\n" << text;
        return {};
    }
}

TEST(AsmRoundTrip, EveryFormFromConformanceText) {
    std::set<const InsnSpec*> covered;
    for (const Sample& s : testing::isa_samples()) {
        const std::string text = testing::conformance_program(s);
        SCOPED_TRACE(text);
        EXPECT_EQ(hex(assemble_or_fail(text)), hex(s.program));
        covered.insert(s.spec);
    }
    EXPECT_EQ(covered.size(), isa_table().size());
}

TEST(AsmRoundTrip, DisassembleThenAssembleBothSyntaxes) {
    for (Syntax syntax : {Syntax::Llvm, Syntax::Conformance}) {
        for (const Sample& s : testing::isa_samples()) {
            const std::string text = disassemble(s.program, syntax);
            SCOPED_TRACE(text);
            EXPECT_EQ(text.find("<invalid"), std::string::npos);
            EXPECT_EQ(hex(assemble_or_fail(text)), hex(s.program));
        }
    }
}

TEST(AsmRoundTrip, ConformanceDisassemblyMatchesTableWriter) {
    for (const Sample& s : testing::isa_samples()) {
        const std::string got = format_insn(&s.insn(), Sample::kPc, Syntax::Conformance);
        const std::string want = testing::conformance_text(s);
        // The table writer prints lddw values in hex with 16 digits and offsets always signed: the
        // two texts must at least assemble identically; most are equal character for character.
        if (got != want) {
            const std::string a = "exit\nexit\n" + got + "\nexit\nexit\n";
            EXPECT_EQ(hex(assemble_or_fail(a)), hex(s.program)) << got << " vs " << want;
        }
    }
}

// The whole program as one text, mixing both syntaxes line by line.
TEST(AsmRoundTrip, MixedSyntaxProgram) {
    std::vector<RawInsn> all;
    std::string text;
    size_t k = 0;
    for (const Sample& s : testing::isa_samples()) {
        // Branches of the samples are relative to their own 5-slot program: keep them valid by
        // copying each sample whole.
        all.insert(all.end(), s.program.begin(), s.program.end());
        text += disassemble(s.program, (k++ % 2) ? Syntax::Llvm : Syntax::Conformance);
    }
    EXPECT_EQ(hex(assemble_or_fail(text)), hex(all));
}

TEST(AsmRoundTrip, FormatInsnReportsInvalidEncodings) {
    const RawInsn bad = testing::raw_insn(0xff, 1, 2, 3, 4);
    EXPECT_EQ(format_insn(&bad, 0, Syntax::Llvm), "<invalid: opcode 0xff dst 1 src 2 off 3 imm 4>");
    const RawInsn nonzero = testing::raw_insn(op::kClsJmp | op::kExit, 0, 0, 0, 1);
    EXPECT_EQ(format_insn(&nonzero, 0, Syntax::Conformance), "<invalid: opcode 0x95 dst 0 src 0 off 0 imm 1>");
    const std::vector<RawInsn> cut = {testing::raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, 0, 0, 1)};
    EXPECT_EQ(disassemble(cut, Syntax::Llvm),
              "<invalid: opcode 0x18 dst 1 src 0 off 0 imm 1> <lddw without its second half>\n");
}

TEST(AsmRoundTrip, ExactTexts) {
    struct Case {
        std::vector<RawInsn> insns;
        const char* llvm;
        const char* conf;
    };
    using testing::raw_insn;
    const Case cases[] = {
        {{raw_insn(0x07, 1, 0, 0, -7)}, "r1 += -7", "add %r1, -7"},
        {{raw_insn(0x0c, 1, 2)}, "w1 += w2", "add32 %r1, %r2"},
        {{raw_insn(0x3f, 1, 2, 1)}, "r1 s/= r2", "sdiv %r1, %r2"},
        {{raw_insn(0x94, 1, 0, 1, 3)}, "w1 s%= 3", "smod32 %r1, 3"},
        {{raw_insn(0xbc, 1, 2, 8)}, "w1 = (s8)w2", "movsx832 %r1, %r2"},
        {{raw_insn(0xbf, 1, 2, 32)}, "r1 = (s32)r2", "movsx3264 %r1, %r2"},
        {{raw_insn(0x87, 3)}, "r3 = -r3", "neg %r3"},
        {{raw_insn(0xdc, 3, 0, 0, 16)}, "r3 = be16 r3", "be16 %r3"},
        {{raw_insn(0xd4, 3, 0, 0, 64)}, "r3 = le64 r3", "le64 %r3"},
        {{raw_insn(0xd7, 3, 0, 0, 32)}, "r3 = bswap32 r3", "bswap32 %r3"},
        {{raw_insn(0x79, 0, 1, 8)}, "r0 = *(u64 *)(r1 + 8)", "ldxdw %r0, [%r1+8]"},
        {{raw_insn(0x89, 0, 1, -2)}, "r0 = *(s16 *)(r1 - 2)", "ldxsh %r0, [%r1-2]"},
        {{raw_insn(0x63, 10, 1, -4)}, "*(u32 *)(r10 - 4) = r1", "stxw [%r10-4], %r1"},
        {{raw_insn(0x72, 10, 0, -1, 255)}, "*(u8 *)(r10 - 1) = 255", "stb [%r10-1], 255"},
        {{raw_insn(0xdb, 1, 2, 0, 0x00)}, "lock *(u64 *)(r1 + 0) += r2", "lock add [%r1+0], %r2"},
        {{raw_insn(0xc3, 1, 2, -8, 0x40)}, "lock *(u32 *)(r1 - 8) |= w2", "lock or32 [%r1-8], %r2"},
        {{raw_insn(0xdb, 1, 2, 0, 0x01)}, "r2 = atomic_fetch_add((u64 *)(r1 + 0), r2)", "lock fetch add [%r1+0], %r2"},
        {{raw_insn(0xc3, 1, 2, 4, 0xa1)}, "w2 = atomic_fetch_xor((u32 *)(r1 + 4), w2)", "lock fetch xor32 [%r1+4], %r2"},
        {{raw_insn(0xdb, 1, 2, 0, 0xe1)}, "r2 = xchg_64(r1 + 0, r2)", "lock xchg [%r1+0], %r2"},
        {{raw_insn(0xc3, 1, 2, -4, 0xf1)}, "w0 = cmpxchg32_32(r1 - 4, w0, w2)", "lock cmpxchg32 [%r1-4], %r2"},
        {{raw_insn(0x18, 1, 0, 0, 0x55667788), raw_insn(0, 0, 0, 0, 0x11223344)},
         "r1 = 1234605616436508552 ll", "lddw %r1, 0x1122334455667788"},
        {{raw_insn(0x18, 1, 0, 0, 5), raw_insn(0, 0, 0, 0, -1)}, "r1 = -4294967291 ll", "lddw %r1, 0xffffffff00000005"},
        {{raw_insn(0x18, 1, 5, 0, 3), raw_insn(0)}, "r1 = map[3] ll", "lddw %r1, map[3]"},
        {{raw_insn(0x18, 2, 6, 0, 3), raw_insn(0, 0, 0, 0, 8)}, "r2 = map_value[3]+8 ll", "lddw %r2, map_value[3]+8"},
        {{raw_insn(0x30, 0, 0, 0, 12)}, "r0 = *(u8 *)skb[12]", "ldabsb 12"},
        {{raw_insn(0x48, 0, 1, 0, 0)}, "r0 = *(u16 *)skb[r1]", "ldindh %r1, 0"},
        {{raw_insn(0x40, 0, 1, 0, -4)}, "r0 = *(u32 *)skb[r1 - 4]", "ldindw %r1, -4"},
        {{raw_insn(0x25, 1, 0, 3, 5)}, "if r1 > 5 goto +3", "jgt %r1, 5, +3"},
        {{raw_insn(0xce, 1, 2, -4)}, "if w1 s< w2 goto -4", "jslt32 %r1, %r2, -4"},
        {{raw_insn(0x45, 1, 0, 0, 8)}, "if r1 & 8 goto +0", "jset %r1, 8, +0"},
        {{raw_insn(0x05, 0, 0, 2)}, "goto +2", "ja +2"},
        {{raw_insn(0x06, 0, 0, 0, -2)}, "gotol -2", "ja32 -2"},
        {{raw_insn(0x85, 0, 0, 0, 1)}, "call 1", "call 1"},
        {{raw_insn(0x85, 0, 1, 0, 3)}, "call pc+3", "call local +3"},
        {{raw_insn(0x85, 0, 2, 0, 77)}, "call kfunc 77", "call runtime 77"},
        {{raw_insn(0x8d, 2)}, "callx r2", "call %r2"},
        {{raw_insn(0x95)}, "exit", "exit"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(format_insn(c.insns.data(), 0, Syntax::Llvm), c.llvm);
        EXPECT_EQ(format_insn(c.insns.data(), 0, Syntax::Conformance), c.conf);
    }
}

}  // namespace
}  // namespace bpfnic
