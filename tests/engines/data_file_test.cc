// SPDX-License-Identifier: MIT
// The .data reader: sections, comments, opt-outs, and the messages of malformed files.
#include <gtest/gtest.h>

#include "compiler/error.h"
#include "tests/support/data_file.h"

namespace bpfnic::tests {
namespace {

std::string error_of(const std::string& text) {
    try {
        parse_data_file(text, "t.data");
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        return e.what();
    }
    return "";
}

TEST(DataFile, ReadsEverySection) {
    const DataFile f = parse_data_file(
        "# SPDX-License-Identifier: MIT\n"
        "# Checks something.\n"
        "# Over two lines.\n"
        "-- asm\n"
        "mov %r0, 1 # a comment\n"
        "exit\n"
        "-- mem\n"
        "00 01 # comment\n"
        "0203\n"
        "-- result\n"
        "0xFFFFFFFFFFFFFFF6\n"
        "-- no jit the JIT lacks\n"
        "this feature\n"
        "-- no hw hardware has no callx\n"
        "-- c\n"
        "# not a comment in C\n",
        "x/t.data");
    EXPECT_EQ(f.name, "x/t.data");
    EXPECT_EQ(f.description, "Checks something. Over two lines.");
    EXPECT_EQ(f.license, "MIT");
    EXPECT_TRUE(f.has_asm);
    EXPECT_EQ(f.asm_text, "mov %r0, 1 # a comment\nexit\n");
    EXPECT_EQ(f.mem, (std::vector<uint8_t>{0, 1, 2, 3}));
    ASSERT_TRUE(f.result);
    EXPECT_EQ(*f.result, 0xFFFFFFFFFFFFFFF6ull);
    EXPECT_EQ(f.opted_out("jit").value_or(""), "the JIT lacks this feature");
    EXPECT_EQ(f.opted_out("hw").value_or(""), "hardware has no callx");
    EXPECT_FALSE(f.opted_out("interp"));
    EXPECT_EQ(f.c_source, "# not a comment in C\n");
}

TEST(DataFile, RawWordsDecodeLittleEndianFields) {
    const DataFile f = parse_data_file("-- raw\n0x5566778800000018\n0x1122334400000000\n0xfffe21b7 0x95\n-- result\n-1\n",
                                       "r.data");
    ASSERT_EQ(f.raw.size(), 4u);
    EXPECT_EQ(f.raw[0].opcode, 0x18);
    EXPECT_EQ(f.raw[0].imm, 0x55667788);
    EXPECT_EQ(f.raw[1].imm, 0x11223344);
    EXPECT_EQ(f.raw[2].opcode, 0xb7);
    EXPECT_EQ(f.raw[2].dst, 1);
    EXPECT_EQ(f.raw[2].src, 2);
    EXPECT_EQ(f.raw[2].off, -2);
    EXPECT_EQ(f.raw[3].opcode, 0x95);
    EXPECT_EQ(word_from_insn(f.raw[2]), 0xfffe21b7ull);
    EXPECT_EQ(*f.result, ~uint64_t{0});
}

TEST(DataFile, ErrorExpectationAndPacket) {
    const DataFile f = parse_data_file("-- asm\nexit\n-- packet\naa bb\n-- error\nunknown helper\n", "e.data");
    EXPECT_TRUE(f.has_packet);
    EXPECT_EQ(f.packet, (std::vector<uint8_t>{0xaa, 0xbb}));
    EXPECT_EQ(f.error.value_or(""), "unknown helper");
    EXPECT_FALSE(f.result);
}

TEST(DataFile, SuiteStyleNoLineIsAnOptOutOfAnUnknownEngine) {
    const DataFile f = parse_data_file("-- asm\nexit\n-- result\n0x2\n-- no register offset\ncall instruction\n", "s.data");
    EXPECT_EQ(f.opted_out("register").value_or(""), "offset call instruction");
}

TEST(DataFile, MalformedFilesNameFileLineAndSection) {
    EXPECT_EQ(error_of("-- asm\nexit\n-- bogus\n"), "t.data:3: unknown section '-- bogus'");
    EXPECT_EQ(error_of("-- asm\nexit\n-- mem\n0g\n-- result\n1\n"), "t.data:4: -- mem: '0g' is not hex bytes");
    EXPECT_EQ(error_of("-- asm\nexit\n-- result\nzz\n"), "t.data:4: -- result: 'zz' is not a number");
    EXPECT_EQ(error_of("-- raw\n0x95 x\n-- result\n1\n"), "t.data:2: -- raw: 'x' is not a number");
    EXPECT_EQ(error_of("-- result\n1\n"), "t.data:1: no program: neither '-- asm' nor '-- raw'");
    EXPECT_EQ(error_of("-- asm\nexit\n"), "t.data:1: no expectation: neither '-- result' nor '-- error'");
    EXPECT_EQ(error_of("-- asm\nexit\n-- result\n1\n2\n"), "t.data:5: -- result: more than one value");
    EXPECT_EQ(error_of("-- asm\nexit\n-- no jit\n-- result\n1\n"), "t.data:3: '-- no jit' needs a reason");
    EXPECT_EQ(error_of("-- asm\nexit\n-- asm\n"), "t.data:3: section '-- asm' appears twice");
}

}  // namespace
}  // namespace bpfnic::tests
