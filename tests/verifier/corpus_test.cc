// SPDX-License-Identifier: MIT
// Runs every case of the verifier corpus: accepted programs must be accepted, rejected ones must
// fail with exactly the expected first line.
#include <gtest/gtest.h>

#include "compiler/asm.h"
#include "compiler/error.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"
#include "tests/verifier/corpus.h"

namespace bpfnic::tests {
namespace {

const std::string kCorpusDir = std::string(BPFNIC_SOURCE_DIR) + "/tests/verifier/corpus";

class VerifierCorpus : public testing::TestWithParam<VerifierCase> {};

TEST_P(VerifierCorpus, Verdict) {
    const VerifierCase& c = GetParam();
    Program p;
    p.name = c.name;
    p.section = c.conformance ? "conformance" : "xdp";
    p.type = c.conformance ? ProgType::Unspec : ProgType::Xdp;
    p.insns = assemble(c.asm_text);
    VerifierOptions opts;
    opts.mem_size = c.mem_size;
    opts.insn_budget = c.budget;
    const VerifierResult r = verify(p, c.maps, c.conformance ? conformance_platform() : software_xdp_platform(), opts);
    const std::string where = c.file + ":" + std::to_string(c.line) + " " + c.name;
    if (c.expect_accept) {
        EXPECT_TRUE(r.ok) << where << "\n" << r.error;
    } else {
        EXPECT_FALSE(r.ok) << where << ": accepted, expected: " << c.expected_error;
        EXPECT_EQ(r.headline(), c.expected_error) << where << "\n" << r.error;
    }
}

std::string case_name(const testing::TestParamInfo<VerifierCase>& info) {
    std::string n = info.param.file.substr(0, info.param.file.find('.')) + "_" + info.param.name;
    for (char& ch : n)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return n;
}

INSTANTIATE_TEST_SUITE_P(Cases, VerifierCorpus, testing::ValuesIn(load_verifier_corpus(kCorpusDir)), case_name);

TEST(VerifierCorpusFormat, RejectsMalformedFiles) {
    EXPECT_THROW(parse_verifier_cases("-- asm\nexit\n", "x.vcase"), Error);
    EXPECT_THROW(parse_verifier_cases("=== a\n-- asm\nexit\n", "x.vcase"), Error);
    EXPECT_THROW(parse_verifier_cases("=== a\n-- maps\nm nosuchtype key=4\n-- asm\nexit\n-- accept\n", "x.vcase"), Error);
    const auto ok = parse_verifier_cases("=== a\n-- maps\nm array key=4 value=8 entries=1\n-- asm\nr0 = 0\nexit\n-- accept\n", "x.vcase");
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].maps.at(0).value_size, 8u);
    EXPECT_TRUE(ok[0].expect_accept);
}

}  // namespace
}  // namespace bpfnic::tests
