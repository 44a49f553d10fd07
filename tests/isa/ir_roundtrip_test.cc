// SPDX-License-Identifier: MIT
// IR decode/encode: every form of the ISA table, with varied fields, survives raw -> IR -> raw
// bit-exactly, and decodes to the IR alternative its class implies.
#include <gtest/gtest.h>

#include "compiler/disasm.h"
#include "compiler/ir.h"
#include "tests/isa/isa_samples.h"

namespace bpfnic {
namespace {

using testing::isa_samples;
using testing::Sample;

std::string describe(const Sample& s) {
    return std::string(s.spec->mnemonic) + " variant " + std::to_string(s.variant) + ": " +
           format_insn(&s.insn(), Sample::kPc, Syntax::Conformance);
}

TEST(IrRoundTrip, EveryFormProgramBitExact) {
    size_t n = 0;
    for (const Sample& s : isa_samples()) {
        SCOPED_TRACE(describe(s));
        const IrProgram p = decode(s.program);
        ASSERT_EQ(p.insns.size(), 5u);
        EXPECT_EQ(p.index_of_pc[Sample::kPc], 2);
        if (s.spec->wide) {
            EXPECT_EQ(p.index_of_pc[Sample::kPc + 1], -1);
        }
        EXPECT_EQ(encode(p), s.program);
        ++n;
    }
    EXPECT_GT(n, isa_table().size());
}

TEST(IrRoundTrip, DecodeOneEncodeOne) {
    for (const Sample& s : isa_samples()) {
        SCOPED_TRACE(describe(s));
        const RawInsn* next = s.spec->wide ? &s.program[Sample::kPc + 1] : nullptr;
        const Instruction ins = decode_one(s.insn(), next, Sample::kPc);
        EXPECT_EQ(slots(ins), s.slots());
        const std::vector<RawInsn> back = encode(ins, Sample::kPc);
        const std::vector<RawInsn> want(s.program.begin() + Sample::kPc,
                                        s.program.begin() + static_cast<std::ptrdiff_t>(Sample::kPc + s.slots()));
        EXPECT_EQ(back, want);
        // Decoding what was encoded gives the same IR.
        const Instruction again = decode_one(back[0], back.size() > 1 ? &back[1] : nullptr, Sample::kPc);
        EXPECT_TRUE(again == ins);
    }
}

// Which IR alternative each instruction class decodes to.
TEST(IrRoundTrip, AlternativeMatchesClass) {
    for (const Sample& s : isa_samples()) {
        SCOPED_TRACE(describe(s));
        const RawInsn& i = s.insn();
        const Instruction ins = decode_one(i, s.spec->wide ? &s.program[Sample::kPc + 1] : nullptr, Sample::kPc);
        const uint8_t cls = op::cls(i.opcode), code = op::alu_op(i.opcode);
        switch (cls) {
            case op::kClsAlu:
            case op::kClsAlu64:
                if (code == op::kNeg || code == op::kEnd) EXPECT_TRUE(std::holds_alternative<Un>(ins));
                else EXPECT_TRUE(std::holds_alternative<Bin>(ins));
                break;
            case op::kClsJmp:
            case op::kClsJmp32:
                if (code == op::kExit) EXPECT_TRUE(std::holds_alternative<Exit>(ins));
                else if (code == op::kCall && op::src_bit(i.opcode) == op::kSrcX) EXPECT_TRUE(std::holds_alternative<Callx>(ins));
                else if (code == op::kCall && i.src == op::kCallLocal) EXPECT_TRUE(std::holds_alternative<CallLocal>(ins));
                else if (code == op::kCall && i.src == op::kCallKfunc) EXPECT_TRUE(std::holds_alternative<CallKfunc>(ins));
                else if (code == op::kCall) EXPECT_TRUE(std::holds_alternative<Call>(ins));
                else EXPECT_TRUE(std::holds_alternative<Jmp>(ins));
                break;
            case op::kClsLd:
                if (s.spec->wide) EXPECT_TRUE(std::holds_alternative<LoadImm64>(ins));
                else EXPECT_TRUE(std::holds_alternative<PacketLoad>(ins));
                break;
            case op::kClsLdx: EXPECT_TRUE(std::holds_alternative<Load>(ins)); break;
            case op::kClsSt: EXPECT_TRUE(std::holds_alternative<Store>(ins)); break;
            case op::kClsStx:
                if (op::mem_mode(i.opcode) == op::kModeAtomic) EXPECT_TRUE(std::holds_alternative<Atomic>(ins));
                else EXPECT_TRUE(std::holds_alternative<Store>(ins));
                break;
        }
    }
}

// Spot checks of decoded meaning: targets are absolute, values sign-extended, selectors decoded.
TEST(IrRoundTrip, DecodedFields) {
    const RawInsn jeq = testing::raw_insn(op::kClsJmp | op::kJeq | op::kSrcK, 3, 0, -2, -7);
    const Jmp j = std::get<Jmp>(decode_one(jeq, nullptr, 10));
    EXPECT_EQ(j.cond, Jmp::Cond::Eq);
    EXPECT_EQ(j.target, 9);
    EXPECT_EQ(std::get<Imm>(j.right).v, -7);
    EXPECT_FALSE(j.is32);

    const RawInsn gotol = testing::raw_insn(op::kClsJmp32 | op::kJa, 0, 0, 0, 100000);
    const Jmp g = std::get<Jmp>(decode_one(gotol, nullptr, 5));
    EXPECT_EQ(g.cond, Jmp::Cond::Always);
    EXPECT_TRUE(g.is32);
    EXPECT_EQ(g.target, 100006);

    const RawInsn sdiv = testing::raw_insn(op::kClsAlu | op::kDiv | op::kSrcX, 1, 2, 1, 0);
    const Bin b = std::get<Bin>(decode_one(sdiv, nullptr, 0));
    EXPECT_EQ(b.op, Bin::Op::SDiv);
    EXPECT_FALSE(b.is64);
    EXPECT_EQ(std::get<Reg>(b.v).v, 2);

    const RawInsn movsx = testing::raw_insn(op::kClsAlu64 | op::kMov | op::kSrcX, 4, 5, 16, 0);
    EXPECT_EQ(std::get<Bin>(decode_one(movsx, nullptr, 0)).op, Bin::Op::MovSx16);

    const RawInsn lo = testing::raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, op::kPseudoMapIdxValue, 0, 3);
    const RawInsn hi = testing::raw_insn(0, 0, 0, 0, 8);
    const LoadImm64 l = std::get<LoadImm64>(decode_one(lo, &hi, 0));
    EXPECT_EQ(l.pseudo, op::kPseudoMapIdxValue);
    EXPECT_EQ(l.imm_lo, 3);
    EXPECT_EQ(l.imm_hi, 8);
    EXPECT_EQ(l.value(), 0x0000000800000003ULL);

    const RawInsn fetch = testing::raw_insn(op::kClsStx | op::kModeAtomic | op::kSizeW, 1, 2, -4, op::kOr | op::kAtomicFetch);
    const Atomic a = std::get<Atomic>(decode_one(fetch, nullptr, 0));
    EXPECT_EQ(a.op, Atomic::Op::Or);
    EXPECT_TRUE(a.fetch);
    EXPECT_EQ(a.width, 4);
    EXPECT_EQ(a.off, -4);

    const RawInsn cmpxchg = testing::raw_insn(op::kClsStx | op::kModeAtomic | op::kSizeDW, 1, 2, 0, op::kAtomicCmpXchg);
    const Atomic c = std::get<Atomic>(decode_one(cmpxchg, nullptr, 0));
    EXPECT_EQ(c.op, Atomic::Op::CmpXchg);
    EXPECT_TRUE(c.fetch);

    const RawInsn call = testing::raw_insn(op::kClsJmp | op::kCall, 0, op::kCallLocal, 0, -3);
    EXPECT_EQ(std::get<CallLocal>(decode_one(call, nullptr, 7)).target, 5);
}

TEST(IrRoundTrip, DecodeRejectsInvalidPrograms) {
    const std::vector<RawInsn> no_exit = {testing::raw_insn(op::kClsAlu64 | op::kMov, 0, 0, 0, 1)};
    EXPECT_THROW(decode(no_exit), std::invalid_argument);
    const std::vector<RawInsn> unknown = {testing::raw_insn(0xff), testing::raw_insn(op::kClsJmp | op::kExit)};
    EXPECT_THROW(decode(unknown), std::invalid_argument);
    EXPECT_THROW(decode_one(testing::raw_insn(0xff), nullptr, 0), std::invalid_argument);
    const RawInsn lddw = testing::raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1);
    EXPECT_THROW(decode_one(lddw, nullptr, 0), std::invalid_argument);
}

}  // namespace
}  // namespace bpfnic
