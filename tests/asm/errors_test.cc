// SPDX-License-Identifier: MIT
// Assembler errors: each kind of bad input throws Error(BadInput) with an exact "line N: ..."
// message (wording follows the conformance suite's assembler where it has one).
#include <gtest/gtest.h>

#include "compiler/asm.h"
#include "compiler/error.h"

namespace bpfnic {
namespace {

std::string error_of(const std::string& text) {
    try {
        assemble(text);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        return e.what();
    }
    return "(no error)";
}

TEST(AsmErrors, Mnemonics) {
    EXPECT_EQ(error_of("ldxq %r0, %r1\nexit"), "line 1: Invalid mnemonic: ldxq");
    EXPECT_EQ(error_of("exit\nfoo r0\nexit"), "line 2: Invalid mnemonic: foo");
    EXPECT_EQ(error_of("lock foo [%r1], %r2\nexit"), "line 1: Invalid mnemonic: lock foo");
}

TEST(AsmErrors, OperandCounts) {
    EXPECT_EQ(error_of("lddw %r0\nexit"), "line 1: Invalid number of operands for mnemonic: lddw");
    EXPECT_EQ(error_of("mov %r0, %r1, %r2\nexit"), "line 1: Invalid number of operands for mnemonic: mov");
    EXPECT_EQ(error_of("lock or [%r10-8]\nexit"), "line 1: Invalid number of operands for lock");
    EXPECT_EQ(error_of("lock\nexit"), "line 1: Invalid number of operands for lock");
    EXPECT_EQ(error_of("exit\ncall\n"), "line 2: Invalid number of operands for mnemonic: call");
}

TEST(AsmErrors, Registers) {
    EXPECT_EQ(error_of("or %r0, %r50\nexit"), "line 1: Invalid register: %r50");
    EXPECT_EQ(error_of("call %r11\nexit"), "line 1: Invalid register: %r11");
    EXPECT_EQ(error_of("stxdw [%r10-8], 5\nexit"), "line 1: Invalid register: 5");
    EXPECT_EQ(error_of("r11 = 1\nexit"), "line 1: Invalid register: r11");
    EXPECT_EQ(error_of("r0 += w1\nexit"), "line 1: Invalid instruction: mixed r and w registers");
    EXPECT_EQ(error_of("w1 = *(u64 *)(r1 + 0)\nexit"), "line 1: Invalid instruction: a 64-bit load needs an r register");
    EXPECT_EQ(error_of("r1 = be16 r2\nexit"), "line 1: Invalid instruction: be16 must read and write the same register");
}

TEST(AsmErrors, ImmediateRanges) {
    // Conformance syntax: decimal immediates are signed 32-bit, hex ones 32-bit patterns.
    EXPECT_EQ(error_of("mov32 %r0, 2147483648\nexit"), "line 1: Immediate out of 32-bit range: 2147483648");
    EXPECT_EQ(error_of("mov32 %r0, 0x100000000\nexit"), "line 1: Immediate out of 32-bit range: 0x100000000");
    EXPECT_EQ(error_of("mov32 %r0, -2147483649\nexit"), "line 1: Immediate out of 32-bit range: -2147483649");
    EXPECT_NO_THROW(assemble("mov32 %r0, 0xffffffff\nmov %r0, -2147483648\nexit"));
    // llvm syntax accepts unsigned 32-bit values as llvm-mc does.
    EXPECT_NO_THROW(assemble("r0 = 4294967295\nexit"));
    EXPECT_EQ(error_of("r0 = 4294967296\nexit"), "line 1: Immediate out of 32-bit range: 4294967296");
    EXPECT_EQ(error_of("lddw %r0, 0x1ffffffffffffffff\nexit"), "line 1: Invalid number: 0x1ffffffffffffffff");
    EXPECT_EQ(error_of("r0 = 12abc\nexit"), "line 1: Invalid number: 12abc");
}

TEST(AsmErrors, OffsetRanges) {
    EXPECT_EQ(error_of("ldxb %r0, [%r1+0x10000]\nexit"), "line 1: Offset out of 16-bit range: 0x10000");
    EXPECT_EQ(error_of("ldxb %r0, [%r1+32768]\nexit"), "line 1: Offset out of 16-bit range: 32768");
    EXPECT_EQ(error_of("if r1 > 5 goto +40000\nexit"), "line 1: Offset out of 16-bit range: 40000");
    EXPECT_EQ(error_of("ldxb %r0, %r1\nexit"), "line 1: Failed to decode register and offset: %r1");
}

TEST(AsmErrors, Labels) {
    EXPECT_EQ(error_of("ja NOT_A_LABEL\nexit"), "line 1: Invalid label: NOT_A_LABEL");
    EXPECT_EQ(error_of("call local nowhere\nexit"), "line 1: Invalid label: nowhere");
    EXPECT_EQ(error_of("x: exit\nx: exit"), "line 2: Duplicate label: x");
    // A label 40000 instructions away does not fit a 16-bit offset.
    std::string far = "ja end\n";
    for (int k = 0; k < 40000; ++k) far += "mov %r0, 0\n";
    far += "end: exit\n";
    EXPECT_EQ(error_of(far), "line 1: Jump offset out of range: end is 40000 instructions away");
}

TEST(AsmErrors, Syntax) {
    EXPECT_EQ(error_of("r0 = 1 $\nexit"), "line 1: Invalid character '$'");
    EXPECT_EQ(error_of("r0 = *(u64 *)(r1 + 8\nexit"), "line 1: Invalid instruction: expected ')' at end of line");
    EXPECT_EQ(error_of("r0 = map[1]\nexit"), "line 1: Invalid instruction: expected 'll' at end of line");
    EXPECT_EQ(error_of("lddw %r1, foo[1]\nexit"), "line 1: Invalid instruction: unknown lddw operand 'foo'");
    EXPECT_EQ(error_of("movsx832 %r0, 5\nexit"), "line 1: Invalid operand for mnemonic movsx832: expected a register");
    EXPECT_EQ(error_of("exit\nexit\nr0 = 1 1\n"), "line 3: Invalid instruction: unexpected '1'");
}

// The result must pass validate(): the message names the source line of the failing instruction.
TEST(AsmErrors, ValidateFailures) {
    EXPECT_EQ(error_of("mov %r0, 1"), "line 1: instruction 0: the last instruction is neither exit nor an unconditional jump");
    EXPECT_EQ(error_of("# comment\nmov %r0, 1\n\nja +5\nexit"),
              "line 4: instruction 1: jump to 7 is outside the program (0..2)");
    EXPECT_EQ(error_of("ja +1\nlddw %r0, 1\nexit"), "line 1: instruction 0: jump to 2 lands inside an lddw");
    EXPECT_EQ(error_of(""), "line 1: program has no instructions");
    EXPECT_EQ(error_of("# nothing\n\n"), "line 3: program has no instructions");
}

}  // namespace
}  // namespace bpfnic
