// SPDX-License-Identifier: MIT
// validate() and the ISA table: every sample of every form is valid, and each kind of defect is
// reported with its exact message (unused fields, registers, selectors, pseudo sources, unknown
// opcodes, jump targets, lddw halves, the final instruction).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/isa.h"
#include "tests/isa/isa_samples.h"

namespace bpfnic {
namespace {

using testing::raw_insn;

const RawInsn kExit = raw_insn(op::kClsJmp | op::kExit);

std::vector<std::string> check(std::vector<RawInsn> insns, bool add_exit = true) {
    if (add_exit) insns.push_back(kExit);
    return validate(insns);
}

TEST(IsaTable, FormsAreSortedAndFindable) {
    const auto t = isa_table();
    ASSERT_GT(t.size(), 150u);
    for (size_t k = 1; k < t.size(); ++k) EXPECT_LE(t[k - 1].opcode, t[k].opcode);
    for (const testing::Sample& s : testing::isa_samples()) {
        SCOPED_TRACE(s.spec->mnemonic);
        EXPECT_EQ(find_spec(s.insn()), s.spec);
    }
}

TEST(IsaTable, MnemonicsAreUniquePerSourceKind) {
    std::map<std::pair<std::string, uint8_t>, int> seen;
    for (const InsnSpec& s : isa_table()) {
        const uint8_t x = op::cls(s.opcode) == op::kClsAlu || op::cls(s.opcode) == op::kClsAlu64 ||
                                  op::cls(s.opcode) == op::kClsJmp || op::cls(s.opcode) == op::kClsJmp32
                              ? op::src_bit(s.opcode)
                              : 0;
        const std::pair<std::string, uint8_t> key(s.mnemonic, x);
        EXPECT_EQ(++seen[key], 1) << s.mnemonic;
    }
}

TEST(Validate, EverySampleIsValid) {
    for (const testing::Sample& s : testing::isa_samples()) {
        SCOPED_TRACE(std::string(s.spec->mnemonic) + " variant " + std::to_string(s.variant));
        EXPECT_EQ(validate(s.program), std::vector<std::string>{});
    }
}

TEST(Validate, UnusedDstMustBeZero) {
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kExit, 1)}),
              std::vector<std::string>{"instruction 0: exit: dst 1 must be zero"});
}

TEST(Validate, UnusedSrcMustBeZero) {
    EXPECT_EQ(check({raw_insn(op::kClsAlu64 | op::kAdd | op::kSrcK, 0, 1, 0, 1)}),
              std::vector<std::string>{"instruction 0: add: src 1 must be zero"});
}

TEST(Validate, UnusedOffsetMustBeZero) {
    EXPECT_EQ(check({raw_insn(op::kClsAlu | op::kMov | op::kSrcK, 0, 0, 1, 1)}),
              std::vector<std::string>{"instruction 0: mov32: offset 1 must be zero"});
}

TEST(Validate, UnusedImmMustBeZero) {
    EXPECT_EQ(check({raw_insn(op::kClsLdx | op::kModeMem | op::kSizeDW, 0, 10, -8, 1)}),
              std::vector<std::string>{"instruction 0: ldxdw: imm 1 must be zero"});
}

TEST(Validate, RegistersAboveR10) {
    EXPECT_EQ(check({raw_insn(op::kClsAlu64 | op::kMov | op::kSrcX, 11, 1)}),
              std::vector<std::string>{"instruction 0: mov: dst 11 is not a register r0..r10"});
    EXPECT_EQ(check({raw_insn(op::kClsStx | op::kModeMem | op::kSizeW, 10, 15, -4)}),
              std::vector<std::string>{"instruction 0: stxw: src 15 is not a register r0..r10"});
}

TEST(Validate, SelectorWithoutForm) {
    // div with offset 2: neither udiv (0) nor sdiv (1).
    EXPECT_EQ(check({raw_insn(op::kClsAlu64 | op::kDiv | op::kSrcK, 1, 0, 2, 7)}),
              std::vector<std::string>{"instruction 0: unknown opcode 0x37 (off 2, imm 7)"});
    // le with width 8.
    EXPECT_EQ(check({raw_insn(op::kClsAlu | op::kEnd | op::kSrcK, 1, 0, 0, 8)}),
              std::vector<std::string>{"instruction 0: unknown opcode 0xd4 (off 0, imm 8)"});
    // An atomic operation code that does not exist.
    EXPECT_EQ(check({raw_insn(op::kClsStx | op::kModeAtomic | op::kSizeDW, 1, 2, 0, 0x02)}),
              std::vector<std::string>{"instruction 0: unknown opcode 0xdb (off 0, imm 2)"});
    // movsx with a width the 32-bit class lacks is a mov whose offset must be zero.
    EXPECT_EQ(check({raw_insn(op::kClsAlu | op::kMov | op::kSrcX, 1, 2, 32)}),
              std::vector<std::string>{"instruction 0: mov32: offset 32 must be zero"});
}

TEST(Validate, PseudoSources) {
    EXPECT_EQ(check({raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, 7, 0, 1), raw_insn(0)}),
              std::vector<std::string>{"instruction 0: lddw: src 7 is not valid"});
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kCall, 0, 3, 0, 1)}),
              std::vector<std::string>{"instruction 0: call: src 3 is not valid"});
}

TEST(Validate, UnknownOpcodes) {
    EXPECT_EQ(check({raw_insn(0xff)}), std::vector<std::string>{"instruction 0: unknown opcode 0xff (off 0, imm 0)"});
    // JMP32 has no call or exit; ALU64 END with the X bit does not exist.
    EXPECT_EQ(check({raw_insn(op::kClsJmp32 | op::kExit)}),
              std::vector<std::string>{"instruction 0: unknown opcode 0x96 (off 0, imm 0)"});
    EXPECT_EQ(check({raw_insn(op::kClsAlu64 | op::kEnd | op::kSrcX, 1, 0, 0, 16)}),
              std::vector<std::string>{"instruction 0: unknown opcode 0xdf (off 0, imm 16)"});
}

TEST(Validate, JumpsOutOfRange) {
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kJa, 0, 0, 4)}),
              std::vector<std::string>{"instruction 0: jump to 5 is outside the program (0..1)"});
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kJeq | op::kSrcK, 1, 0, -2, 0)}),
              std::vector<std::string>{"instruction 0: jump to -1 is outside the program (0..1)"});
    EXPECT_EQ(check({raw_insn(op::kClsJmp32 | op::kJa, 0, 0, 0, 1)}),
              std::vector<std::string>{"instruction 0: jump to 2 is outside the program (0..1)"});
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kCall, 0, op::kCallLocal, 0, -5)}),
              std::vector<std::string>{"instruction 0: jump to -4 is outside the program (0..1)"});
}

TEST(Validate, JumpIntoLddwSecondHalf) {
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kJa, 0, 0, 1),
                     raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, 0, 0, 5), raw_insn(0)}),
              std::vector<std::string>{"instruction 0: jump to 2 lands inside an lddw"});
}

TEST(Validate, LddwHalves) {
    EXPECT_EQ(check({raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, 0, 0, 5), raw_insn(0, 1)}),
              std::vector<std::string>{"instruction 1: lddw second half: opcode, registers and offset must be zero"});
    EXPECT_EQ(check({kExit, raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, 0, 0, 5)}, false),
              (std::vector<std::string>{"instruction 1: lddw: missing second half",
                                        "instruction 1: the last instruction is neither exit nor an unconditional jump"}));
}

TEST(Validate, LastInstructionMustNotFallThrough) {
    EXPECT_EQ(check({raw_insn(op::kClsAlu64 | op::kMov, 0, 0, 0, 1)}, false),
              std::vector<std::string>{"instruction 0: the last instruction is neither exit nor an unconditional jump"});
    // An lddw at the very end falls through as well.
    EXPECT_EQ(check({raw_insn(op::kClsLd | op::kModeImm | op::kSizeDW, 1, 0, 0, 5), raw_insn(0)}, false),
              std::vector<std::string>{"instruction 0: the last instruction is neither exit nor an unconditional jump"});
    EXPECT_EQ(check({raw_insn(op::kClsJmp | op::kJa, 0, 0, -1)}, false), std::vector<std::string>{});
    EXPECT_EQ(check({raw_insn(op::kClsJmp32 | op::kJa, 0, 0, 0, -1)}, false), std::vector<std::string>{});
    EXPECT_EQ(validate({}), std::vector<std::string>{"program has no instructions"});
}

TEST(Validate, ReportsEveryProblem) {
    const auto errors = check({raw_insn(op::kClsJmp | op::kExit, 1, 2, 3, 4)});
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "instruction 0: exit: dst 1 must be zero", "instruction 0: exit: src 2 must be zero",
                          "instruction 0: exit: offset 3 must be zero", "instruction 0: exit: imm 4 must be zero"}));
}

TEST(Validate, BytesRoundTrip) {
    for (const testing::Sample& s : testing::isa_samples()) {
        const auto bytes = insns_to_bytes(s.program);
        ASSERT_EQ(bytes.size(), s.program.size() * 8);
        EXPECT_EQ(insns_from_bytes(bytes), s.program);
    }
    // Little-endian layout of struct bpf_insn.
    const RawInsn i = raw_insn(0x18, 1, 2, -2, 0x11223344);
    const std::vector<RawInsn> one{i};
    EXPECT_EQ(insns_to_bytes(one), (std::vector<uint8_t>{0x18, 0x21, 0xfe, 0xff, 0x44, 0x33, 0x22, 0x11}));
}

// The conformance suite's negative raw programs: each sets one unused field.
TEST(Validate, ConformanceUnusedFieldTests) {
    const std::filesystem::path dir = std::filesystem::path(BPFNIC_CONFORMANCE_DIR) / "negative";
    if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "conformance suite not found at " << dir;
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("unused-", 0) != 0) continue;
        SCOPED_TRACE(name);
        std::ifstream f(e.path());
        std::string line, section;
        std::vector<uint8_t> bytes;
        while (std::getline(f, line)) {
            if (line.rfind("-- ", 0) == 0) {
                section = line.substr(3);
                continue;
            }
            if (section != "raw") continue;
            std::istringstream ls(line);
            std::string b;
            while (ls >> b) bytes.push_back(static_cast<uint8_t>(std::stoul(b, nullptr, 16)));
        }
        const auto errors = validate(insns_from_bytes(bytes));
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_NE(errors[0].find("must be zero"), std::string::npos) << errors[0];
        EXPECT_EQ(errors[0].rfind("instruction 0: ", 0), 0u) << errors[0];
        ++n;
    }
    EXPECT_GE(n, 40);
}

}  // namespace
}  // namespace bpfnic
