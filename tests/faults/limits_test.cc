// SPDX-License-Identifier: MIT
// Resource limits: programs beyond the verifier's and the card's sizes and a branching one that
// exhausts the verifier's budget (clear errors, quickly), maps at max_entries (E2BIG as the
// kernel, nothing lost, the same on the card and in software), and packets from 14 to 9216 bytes
// (the same results on the interpreter, the JIT and the card; longer ones refused clearly).
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "tests/faults/fault_test_util.h"

namespace bpfnic::tests {
namespace {

class Limits : public DeviceTest {
protected:
    /// Loads `obj` and expects a refusal with `err` whose message holds `text`, within `seconds`.
    void expect_refused(const Object& obj, bpfnic_offload offload, int err, const std::string& text, double seconds) {
        bpfnic_prog* p = nullptr;
        const bpfnic_prog_load_opts o = load_opts(offload);
        const auto t0 = std::chrono::steady_clock::now();
        EXPECT_EQ(bpfnic_prog__load_object(dev_, obj, &o, &p), err);
        const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(p, nullptr);
        EXPECT_NE(std::string(bpfnic_last_error()).find(text), std::string::npos) << bpfnic_last_error();
        EXPECT_LT(took, seconds);
        bpfnic_prog__unload(p);
    }
};

std::string straight_line(size_t n) {
    std::string text;
    text.reserve(n * 12);
    for (size_t i = 0; i < n; ++i) text += "r0 = 2\n";
    return text + "exit\n";
}

TEST_F(Limits, AMillionInstructionsIsRefusedByTheVerifier) {
    expect_refused(asm_object("huge", straight_line(1000001)), BPFNIC_OFFLOAD_AUTO, -EACCES,
                   "program of 1000002 instructions exceeds the limit of platform software (1000000)", 20);
}

TEST_F(Limits, ProgramBeyondTheInstructionMemoryFallsBackWithTheReason) {
    if (!card()) GTEST_SKIP() << caps_.why_no_hardware;
    // 40000 dependent instructions: verified, but more bundles than the card's 4096.
    std::string text;
    for (int i = 0; i < 40000; ++i) text += "r0 += 1\n";
    const Object obj = asm_object("long", "r0 = 0\n" + text + "r0 &= 3\nexit\n");
    expect_refused(obj, BPFNIC_OFFLOAD_REQUIRE, -EOPNOTSUPP, "40003 instructions exceed hardware's limit of 4096", 20);
    bpfnic_prog* p = nullptr;
    const bpfnic_prog_load_opts o = load_opts(BPFNIC_OFFLOAD_AUTO);
    ASSERT_EQ(bpfnic_prog__load_object(dev_, obj, &o, &p), 0) << bpfnic_last_error();
    EXPECT_STREQ(bpfnic_prog__engine(p), "jit");
    EXPECT_EQ(run(p, traffic(1)[0]), 40000u & 3);
    bpfnic_prog__unload(p);
}

TEST_F(Limits, DeeplyBranchingProgramExhaustsTheVerifierBudgetQuickly) {
    // 40 diamonds on packet bytes, each leaving a different constant in r6: 2^40 paths that
    // state pruning cannot merge.
    std::string text = R"(
        r2 = *(u32 *)(r1 + 0)
        r3 = *(u32 *)(r1 + 4)
        r4 = r2
        r4 += 64
        r0 = 1
        if r4 > r3 goto done
        r6 = 0
    )";
    for (int i = 0; i < 40; ++i) {
        const std::string n = std::to_string(i);
        text += "r5 = *(u8 *)(r2 + " + std::to_string(i) + ")\n";
        text += "if r5 > 127 goto hi" + n + "\n";
        text += "r6 += " + std::to_string(2 * i + 1) + "\n";
        text += "goto next" + n + "\n";
        text += "hi" + n + ":\n";
        text += "r6 *= " + std::to_string(i + 3) + "\n";
        text += "next" + n + ":\n";
    }
    text += "r0 = 2\ndone:\nexit\n";
    expect_refused(asm_object("branchy", text), BPFNIC_OFFLOAD_AUTO, -EACCES, "complexity budget exceeded", 20);
}

TEST_F(Limits, HashMapAtMaxEntriesGivesE2bigAndKeepsEverything) {
    MapDef def;
    def.name = "small";
    def.type = map_type::kHash;
    def.key_size = 4;
    def.value_size = 8;
    def.max_entries = 16;
    const Object obj = asm_object("with_map", "r0 = 2\nexit\n", ProgType::Xdp, {def});
    for (bpfnic_offload where : {BPFNIC_OFFLOAD_NEVER, BPFNIC_OFFLOAD_REQUIRE}) {
        if (where == BPFNIC_OFFLOAD_REQUIRE && !card()) continue;
        SCOPED_TRACE(where == BPFNIC_OFFLOAD_NEVER ? "jit" : "hw");
        bpfnic_prog* p = nullptr;
        const bpfnic_prog_load_opts o = load_opts(where);
        ASSERT_EQ(bpfnic_prog__load_object(dev_, obj, &o, &p), 0) << bpfnic_last_error();
        bpfnic_map* m = bpfnic_prog__map(p, "small");
        ASSERT_NE(m, nullptr);
        for (uint32_t k = 0; k < 16; ++k) {
            const uint64_t v = 1000 + k;
            ASSERT_EQ(bpfnic_map__update_elem(m, &k, 4, &v, 8, 0), 0) << bpfnic_last_error();
        }
        const MapDump full = dump_all(p);
        EXPECT_EQ(full.at("small").size(), 16u);
        const uint32_t extra = 99;
        const uint64_t v = 7;
        EXPECT_EQ(bpfnic_map__update_elem(m, &extra, 4, &v, 8, 0), -E2BIG);
        EXPECT_NE(std::string(bpfnic_last_error()).find("small"), std::string::npos);
        EXPECT_EQ(dump_all(p), full);  // nothing lost, nothing added
        // Existing keys still update; a freed slot takes a new key.
        const uint32_t k3 = 3;
        EXPECT_EQ(bpfnic_map__update_elem(m, &k3, 4, &v, 8, 0), 0);
        EXPECT_EQ(bpfnic_map__delete_elem(m, &k3, 4), 0);
        EXPECT_EQ(bpfnic_map__update_elem(m, &extra, 4, &v, 8, 0), 0) << bpfnic_last_error();
        EXPECT_EQ(dump_all(p).at("small").size(), 16u);
        bpfnic_prog__unload(p);
    }
}

TEST_F(Limits, PacketsFrom14To9216BytesAgreeOnEveryEngine) {
    const auto pool = traffic(4, 5, 1500);
    std::vector<std::vector<uint8_t>> pkts;
    for (uint32_t n : {14u, 15u, 60u, 1514u, 9000u, 9216u}) {
        for (const auto& base : pool) {
            std::vector<uint8_t> p(n);
            for (uint32_t i = 0; i < n; ++i) p[i] = i < base.size() ? base[i] : static_cast<uint8_t>(i * 7);
            pkts.push_back(p);
        }
    }
    for (const char* prog : {"xdp1", "xdp2", "xdp_pass", "xdp_adjust_tail"}) {
        SCOPED_TRACE(prog);
        // Cross-check mode: the card (or the JIT without one) against the interpreter per packet.
        bpfnic_prog* p = load(prog, card() ? BPFNIC_OFFLOAD_REQUIRE : BPFNIC_OFFLOAD_NEVER, true);
        ASSERT_NE(p, nullptr);
        for (const auto& k : pkts) (void)run(p, k);
        bpfnic_xcheck_report rep;
        ASSERT_EQ(bpfnic_prog__xcheck_report(p, &rep), 0);
        EXPECT_EQ(rep.packets, pkts.size());
        EXPECT_EQ(rep.mismatches, 0u) << rep.first_engine << " differs on packet " << rep.first_packet << " ("
                                      << rep.first_input.size() << " bytes): " << rep.first_what;
        EXPECT_GE(rep.engines.size(), card() ? 3u : 2u);
        bpfnic_prog__unload(p);
    }
}

TEST_F(Limits, PacketsBeyond9216BytesAreRefusedClearly) {
    bpfnic_prog* p = load("xdp_pass", card() ? BPFNIC_OFFLOAD_REQUIRE : BPFNIC_OFFLOAD_NEVER);
    ASSERT_NE(p, nullptr);
    const std::vector<uint8_t> big(9217, 1);
    bpfnic_test_run_opts o = BPFNIC_TEST_RUN_OPTS();
    o.data_in = big.data();
    o.data_size_in = static_cast<uint32_t>(big.size());
    EXPECT_EQ(bpfnic_prog__run(p, &o), -EINVAL);
    EXPECT_NE(std::string(bpfnic_last_error()).find("exceeds 9216"), std::string::npos) << bpfnic_last_error();
    bpfnic_batch_result r;
    EXPECT_EQ(bpfnic_prog__run_batch(p, {traffic(1)[0], big}, &r), -EINVAL);
    EXPECT_NE(std::string(bpfnic_last_error()).find("packet 1 of 9217 bytes"), std::string::npos) << bpfnic_last_error();
    EXPECT_EQ(r.packets_in, 0u);  // refused before any ran
    bpfnic_prog__unload(p);
}

}  // namespace
}  // namespace bpfnic::tests
