// SPDX-License-Identifier: MIT
// The project's instruction corpus (tests/data/**/*.data) on every engine of this build: each
// engine's outcome must meet the file's expectation and equal the interpreter's (r0 and the memory
// or packet afterwards, each engine on a fresh copy of the input). Instantiations are named after
// the engines, so --gtest_filter=*Interp* / *Jit* / *Hw* selects one engine.
#include <gtest/gtest.h>

#include <iostream>
#include <set>

#include "compiler/asm.h"
#include "compiler/isa.h"
#include "tests/engines/run_case.h"

namespace bpfnic::tests {
namespace {

const std::string kCorpusRoot = std::string(BPFNIC_SOURCE_DIR) + "/tests/data";

struct CorpusParam {
    std::string engine;
    std::string file;
};

std::vector<CorpusParam> params_for(const char* engine) {
    std::vector<CorpusParam> out;
    if (!engine_available(engine)) return out;
    for (const std::string& f : list_data_files(kCorpusRoot)) out.push_back({engine, f});
    return out;
}

void PrintTo(const CorpusParam& p, std::ostream* os) { *os << p.engine << " " << p.file; }

std::string param_name(const ::testing::TestParamInfo<CorpusParam>& info) { return test_name_of(info.param.file); }

class Corpus : public ::testing::TestWithParam<CorpusParam> {};

TEST_P(Corpus, MatchesExpectationAndInterpreter) {
    const CorpusParam& p = GetParam();
    const DataFile f = read_data_file(kCorpusRoot, p.file);
    if (auto why = f.opted_out(p.engine)) GTEST_SKIP() << p.file << " opts out of " << p.engine << ": " << *why;
    if (auto why = known_gap(p.engine, p.file)) GTEST_SKIP() << "known gap of " << p.engine << ": " << *why;
    const Case c = case_of(f);
    const Outcome got = run_case(p.engine, c);
    // The expected error text is the interpreter's wording; other engines only have to fail.
    EXPECT_EQ(check_expectation(got, f.result, f.error, p.engine == "interp"), "") << p.file << ": " << f.description;
    if (!got.ok && f.error) std::cout << "[ message  ] " << p.engine << ": " << got.error << "\n";
    if (p.engine != "interp") {
        const Outcome ref = run_case("interp", c);
        EXPECT_EQ(compare_outcomes(got, ref), "") << p.file << " on " << p.engine << " against the interpreter";
    }
}

INSTANTIATE_TEST_SUITE_P(Interp, Corpus, ::testing::ValuesIn(params_for("interp")), param_name);
INSTANTIATE_TEST_SUITE_P(Jit, Corpus, ::testing::ValuesIn(params_for("jit")), param_name);
INSTANTIATE_TEST_SUITE_P(Hw, Corpus, ::testing::ValuesIn(params_for("hw")), param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Corpus);

// The corpus itself: every file parses, carries its SPDX line and says what it checks.
TEST(CorpusFiles, EveryFileParsesAndIsDocumented) {
    const auto files = list_data_files(kCorpusRoot);
    ASSERT_GT(files.size(), 100u) << "corpus at " << kCorpusRoot << " is missing or nearly empty";
    for (const std::string& name : files) {
        SCOPED_TRACE(name);
        DataFile f;
        ASSERT_NO_THROW(f = read_data_file(kCorpusRoot, name));
        EXPECT_EQ(f.license, "MIT") << name << ": no SPDX-License-Identifier line";
        EXPECT_FALSE(f.description.empty()) << name << ": no comment saying what the file checks";
        EXPECT_TRUE(f.has_asm || f.has_raw);
    }
}

// Every instruction form of the ISA table appears in at least one corpus program.
TEST(CorpusFiles, CoverEveryInstructionForm) {
    std::set<const InsnSpec*> seen;
    for (const std::string& name : list_data_files(kCorpusRoot)) {
        const DataFile f = read_data_file(kCorpusRoot, name);
        std::vector<RawInsn> insns;
        try {
            insns = program_of(f);
        } catch (const Error&) {
            continue;  // files expecting an assembler error cover nothing
        }
        for (size_t pc = 0; pc < insns.size(); ++pc) {
            const InsnSpec* s = find_spec(insns[pc]);
            if (!s) continue;
            seen.insert(s);
            if (s->wide) ++pc;
        }
    }
    std::string missing;
    for (const InsnSpec& s : isa_table()) {
        if (!seen.count(&s)) {
            char op[8];
            std::snprintf(op, sizeof op, "0x%02x", s.opcode);
            missing += std::string(" ") + s.mnemonic + "(" + op + ")";
        }
    }
    EXPECT_EQ(missing, "") << "instruction forms no corpus file uses";
}

// Files giving both assembly and raw words: the assembler must produce exactly the raw words.
TEST(CorpusFiles, AssemblyMatchesRawWords) {
    int checked = 0;
    for (const std::string& name : list_data_files(kCorpusRoot)) {
        const DataFile f = read_data_file(kCorpusRoot, name);
        if (!f.has_asm || !f.has_raw) continue;
        ++checked;
        std::vector<RawInsn> assembled;
        ASSERT_NO_THROW(assembled = assemble(f.asm_text)) << name;
        ASSERT_EQ(assembled.size(), f.raw.size()) << name;
        for (size_t i = 0; i < assembled.size(); ++i)
            EXPECT_EQ(hex(word_from_insn(assembled[i])), hex(word_from_insn(f.raw[i]))) << name << " slot " << i;
    }
    if (checked == 0) GTEST_SKIP() << "no corpus file carries both -- asm and -- raw";
}

}  // namespace
}  // namespace bpfnic::tests
