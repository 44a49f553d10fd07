// SPDX-License-Identifier: MIT
// The bpf_conformance suite as assembler test data (skipped when the suite is absent): every
// test's `-- asm` assembles to the suite's own assembled bytes, and the negative tests fail with
// the suite's error text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "compiler/asm.h"
#include "compiler/disasm.h"
#include "compiler/error.h"

namespace bpfnic {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = BPFNIC_CONFORMANCE_DIR;

// Sections of a .data file: "-- name" lines start a section.
std::map<std::string, std::string> sections(const fs::path& file) {
    std::ifstream f(file);
    std::map<std::string, std::string> out;
    std::string line, current;
    while (std::getline(f, line)) {
        if (line.rfind("-- ", 0) == 0) {
            current = line.substr(3);
            out[current];
            continue;
        }
        if (!current.empty()) out[current] += line + "\n";
    }
    return out;
}

std::string json_field(const std::string& line, const std::string& key) {
    const std::string k = "\"" + key + "\":\"";
    const size_t a = line.find(k);
    if (a == std::string::npos) return {};
    const size_t b = line.find('"', a + k.size());
    return line.substr(a + k.size(), b - a - k.size());
}

std::string hex(const std::vector<RawInsn>& insns) {
    std::string s;
    char buf[4];
    for (uint8_t b : insns_to_bytes(insns)) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        s += buf;
    }
    return s;
}

TEST(ConformanceSuite, EveryTestAssemblesToTheSuiteBytes) {
    const fs::path jsonl = kSuite / "tests_assembled.jsonl";
    if (!fs::exists(jsonl)) GTEST_SKIP() << "conformance suite not found at " << kSuite;
    std::ifstream f(jsonl);
    std::string line;
    int total = 0, passed = 0;
    while (std::getline(f, line)) {
        const std::string file = json_field(line, "file");
        const std::string code = json_field(line, "code");
        if (file.empty()) continue;
        ++total;
        SCOPED_TRACE(file);
        const auto s = sections(kSuite / "tests" / file);
        ASSERT_TRUE(s.count("asm")) << file << " has no asm section";
        try {
            const auto insns = assemble(s.at("asm"));
            EXPECT_EQ(hex(insns), code);
            if (hex(insns) == code) ++passed;
            // And back: both disassemblies assemble to the same bytes.
            EXPECT_EQ(hex(assemble(disassemble(insns, Syntax::Conformance))), code);
            EXPECT_EQ(hex(assemble(disassemble(insns, Syntax::Llvm))), code);
        } catch (const Error& e) {
            ADD_FAILURE() << e.what();
        }
    }
    EXPECT_EQ(total, 313);
    EXPECT_EQ(passed, total);
}

TEST(ConformanceSuite, NegativeAsmTestsFail) {
    const fs::path dir = kSuite / "negative";
    if (!fs::is_directory(dir)) GTEST_SKIP() << "conformance suite not found at " << kSuite;
    // Not assembler tests: error.data and incorrect_return_value_high_bits.data hold valid programs
    // whose failure the suite's runner reports (a wrong result, an error expected of the plugin);
    // invalid_unknown_directive.data tests the .data parser (its "-- Unknown directive" is a section).
    const std::set<std::string> valid_programs = {"error.data", "incorrect_return_value_high_bits.data"};
    int checked = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        const auto s = sections(e.path());
        if (!s.count("asm") || name == "invalid_unknown_directive.data") continue;
        SCOPED_TRACE(name);
        if (valid_programs.count(name)) {
            EXPECT_NO_THROW(assemble(s.at("asm")));
            continue;
        }
        std::string expected = s.count("error") ? s.at("error") : std::string();
        while (!expected.empty() && (expected.back() == '\n' || expected.back() == ' ')) expected.pop_back();
        try {
            assemble(s.at("asm"));
            ADD_FAILURE() << "assembled without error";
        } catch (const Error& err) {
            EXPECT_EQ(err.kind(), ErrorKind::BadInput);
            const std::string msg = err.what();
            EXPECT_EQ(msg.rfind("line ", 0), 0u) << msg;
            if (!expected.empty()) {
                EXPECT_NE(msg.find(expected), std::string::npos) << msg;
            }
        }
        ++checked;
    }
    EXPECT_GE(checked, 9);
}

}  // namespace
}  // namespace bpfnic
