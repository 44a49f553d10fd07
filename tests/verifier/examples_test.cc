// SPDX-License-Identifier: MIT
// Every example IO module must pass the verifier on the software platform, quickly.
#include <gtest/gtest.h>

#include <filesystem>

#include "compiler/loader.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic {
namespace {

std::vector<std::filesystem::path> example_objects() {
    std::vector<std::filesystem::path> out;
    const std::filesystem::path dir = std::filesystem::path(BPFNIC_BINARY_DIR) / "examples";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".o") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(VerifierExamples, EveryExampleIsAccepted) {
    const auto objs = example_objects();
    if (objs.empty()) GTEST_SKIP() << "examples not built (target bpfnic_examples)";
    size_t programs = 0;
    for (const auto& path : objs) {
        const Object obj = load_object(path.string());
        for (const Program& p : obj.programs) {
            const VerifierResult r = verify(p, obj.maps, software_xdp_platform());
            EXPECT_TRUE(r.ok) << path.filename() << " " << p.name << ": " << r.error;
            EXPECT_LT(r.stats.seconds, 1.0) << path.filename() << " " << p.name;
            ++programs;
        }
    }
    EXPECT_GT(programs, 10u);
}

TEST(VerifierExamples, FactsCoverEveryInstruction) {
    const auto objs = example_objects();
    if (objs.empty()) GTEST_SKIP() << "examples not built";
    for (const auto& path : objs) {
        const Object obj = load_object(path.string());
        for (const Program& p : obj.programs) {
            const VerifierResult r = verify(p, obj.maps, software_xdp_platform());
            if (!r.ok) continue;
            ASSERT_EQ(r.facts.insns.size(), p.insns.size());
            EXPECT_TRUE(r.facts.insns[0].reached);
            EXPECT_EQ(r.facts.insns[0].regs[1].type, verifier::RegType::Ctx);
            EXPECT_EQ(r.facts.insns[0].regs[10].type, verifier::RegType::Stack);
            // Every instruction but the second halves of lddw is reached by some state.
            for (size_t pc = 0; pc < p.insns.size(); ++pc) {
                const bool second_half = pc > 0 && p.insns[pc - 1].opcode == 0x18;
                if (!second_half) {
                    EXPECT_TRUE(r.facts.insns[pc].reached) << p.name << " insn " << pc;
                }
                if (p.insns[pc].opcode == 0x18) ++pc;
            }
        }
    }
}

}  // namespace
}  // namespace bpfnic
