// SPDX-License-Identifier: MIT
// The facts the verifier exports for the compiler, the log levels and the statistics.
#include <gtest/gtest.h>

#include "compiler/asm.h"
#include "compiler/platform.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic {
namespace {

Program xdp(const std::string& text) {
    Program p;
    p.name = "t";
    p.section = "xdp";
    p.type = ProgType::Xdp;
    p.insns = assemble(text);
    return p;
}

const char* kTwoChecks = R"(
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 14
    if r4 > r3 goto drop
    r4 = r2
    r4 += 10
    if r4 > r3 goto drop
    r0 = *(u8 *)(r2 + 9)
    r0 = 2
    exit
drop:
    r0 = 1
    exit
)";

TEST(VerifierFacts, SecondBoundsCheckIsRedundant) {
    const Program p = xdp(kTwoChecks);
    const VerifierResult r = verify(p, {}, software_xdp_platform());
    ASSERT_TRUE(r.ok) << r.error;
    const InsnFacts& first = r.facts.insns[4];
    const InsnFacts& second = r.facts.insns[7];
    EXPECT_TRUE(first.is_packet_check);
    EXPECT_FALSE(first.packet_check_redundant());
    EXPECT_TRUE(second.is_packet_check);
    EXPECT_TRUE(second.packet_check_redundant());
    EXPECT_FALSE(second.branch_taken);
    EXPECT_TRUE(second.branch_fallthrough);
    // Before the load, r2 is a packet pointer with 14 bytes proven.
    const RegFact& r2 = r.facts.insns[8].regs[2];
    EXPECT_EQ(r2.type, verifier::RegType::Packet);
    EXPECT_EQ(r2.range, 14);
}

TEST(VerifierFacts, KnownConstantsAndRanges) {
    const Program p = xdp(R"(
    r2 = 5
    r3 = *(u32 *)(r1 + 12)
    r3 &= 255
    r0 = r2
    r0 -= 3
    exit
)");
    const VerifierResult r = verify(p, {}, software_xdp_platform());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.facts.insns[3].regs[2].known_const(), std::optional<uint64_t>(5));
    EXPECT_FALSE(r.facts.insns[3].regs[3].known_const());
    EXPECT_EQ(r.facts.insns[3].regs[3].value.umax, 255u);
    EXPECT_EQ(r.facts.insns[5].regs[0].known_const(), std::optional<uint64_t>(2));
}

TEST(VerifierFacts, JoinsStatesOfBothPaths) {
    const Program p = xdp(R"(
    r3 = *(u32 *)(r1 + 12)
    r0 = 1
    if r3 > 7 goto out
    r0 = 3
out:
    exit
)");
    const VerifierResult r = verify(p, {}, software_xdp_platform());
    ASSERT_TRUE(r.ok) << r.error;
    const RegFact& r0 = r.facts.insns[4].regs[0];
    EXPECT_FALSE(r0.known_const());
    EXPECT_EQ(r0.value.umin, 1u);
    EXPECT_EQ(r0.value.umax, 3u);
    EXPECT_GE(r.facts.insns[4].visits, 2u);
}

TEST(VerifierFacts, LogLevelsAndStats) {
    const Program p = xdp(kTwoChecks);
    VerifierOptions quiet;
    const VerifierResult r0 = verify(p, {}, software_xdp_platform(), quiet);
    EXPECT_TRUE(r0.log.empty());
    VerifierOptions branches;
    branches.log_level = 1;
    const VerifierResult r1 = verify(p, {}, software_xdp_platform(), branches);
    EXPECT_NE(r1.log.find("from 4 to 11"), std::string::npos) << r1.log;
    VerifierOptions every;
    every.log_level = 2;
    const VerifierResult r2 = verify(p, {}, software_xdp_platform(), every);
    EXPECT_NE(r2.log.find("8: R1=ctx(off=0) R2=pkt(id=0,off=0,r=14)"), std::string::npos) << r2.log;
    EXPECT_GT(r2.log.size(), r1.log.size());
    EXPECT_GE(r0.stats.insns_processed, 11u);
    EXPECT_GE(r0.stats.states_stored, 1u);
    EXPECT_GE(r0.stats.seconds, 0.0);
    const std::string line = stats_line(r0);
    EXPECT_EQ(line.rfind("processed " + std::to_string(r0.stats.insns_processed) + " insns (limit 1000000)", 0), 0u) << line;
}

TEST(VerifierFacts, RejectionCarriesRegisterState) {
    const Program p = xdp(R"(
    r2 = *(u32 *)(r1 + 0)
    r3 = *(u32 *)(r1 + 4)
    r4 = r2
    r4 += 4
    if r4 > r3 goto out
    r0 = *(u32 *)(r2 + 2)
out:
    r0 = 2
    exit
)");
    const VerifierResult r = verify(p, {}, software_xdp_platform());
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.error_pc, 5);
    EXPECT_EQ(r.reason, "invalid access to packet, off=2 size=4, R2(id=0,off=0,r=4)");
    EXPECT_EQ(r.error, "instruction 5: r0 = *(u32 *)(r2 + 2) : invalid access to packet, off=2 size=4, R2(id=0,off=0,r=4)\n"
                       "  R2=pkt(id=0,off=0,r=4)");
}

TEST(VerifierFacts, PlatformLimits) {
    Platform small = software_xdp_platform();
    small.max_call_depth = 2;
    const Program p = xdp(R"(
    call f
    r0 = 2
    exit
f:
    call g
    exit
g:
    r0 = 0
    exit
)");
    EXPECT_TRUE(verify(p, {}, software_xdp_platform()).ok);
    const VerifierResult r = verify(p, {}, small);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.headline(), "instruction 3: call pc+1 : the call stack of 3 frames is too deep (platform limit 2)");
    Platform no_atomics = software_xdp_platform();
    no_atomics.groups = {Group::Base32, Group::Base64};
    const Program a = xdp(R"(
    r1 = 0
    *(u64 *)(r10 - 8) = r1
    r1 = 1
    lock *(u64 *)(r10 - 8) += r1
    r0 = 2
    exit
)");
    EXPECT_TRUE(verify(a, {}, software_xdp_platform()).ok);
    const VerifierResult ra = verify(a, {}, no_atomics);
    ASSERT_FALSE(ra.ok);
    EXPECT_NE(ra.reason.find("instruction group atomic64 is not supported"), std::string::npos) << ra.error;
}

}  // namespace
}  // namespace bpfnic
