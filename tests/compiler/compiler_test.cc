// SPDX-License-Identifier: MIT
// The compiler on the example IO modules: schedules that respect the processor's rules at every
// lane count, passes that report what they did, dumps, refusals with their exact reasons, and the
// firmware image's encoding and validation.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "compiler/asm.h"
#include "compiler/emit.h"
#include "compiler/error.h"
#include "compiler/loader.h"
#include "compiler/mir.h"
#include "compiler/passes/pass.h"
#include "compiler/passes/pipeline.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::tests {
namespace {

std::string example(const std::string& name) { return std::string(BPFNIC_BINARY_DIR) + "/examples/" + name + ".o"; }

const char* kModules[] = {"xdp1", "xdp2", "xdp_adjust_tail", "router_ipv4", "rxq_info", "tx_ip_tunnel",
                          "simple_firewall", "katran_lb", "subprog", "globals", "xdp_redirect"};

// Runs the pipeline's passes by hand so the test can look at the scheduled module.
mir::Module schedule_module(const Object& obj, unsigned lanes, const Facts& facts) {
    mir::Module m = mir::build_module(obj.programs[0], obj.maps, hardware_platform(), &facts);
    passes::PassOptions o{lanes};
    passes::PassStats s;
    for (auto fn : {passes::cfg, passes::lower_maps, passes::lower_lookups,
                    passes::forward_stores, passes::dead_stores, passes::remove_checks, passes::lower_ctx, passes::const_prop,
                    passes::copy_prop, passes::fuse_counter, passes::combine_copies, passes::combine_stores,
                    passes::combine_loads, passes::remove_zeroing, passes::fuse_alu3,
                    passes::fuse_exit, passes::fuse_bounds, passes::dce, passes::hoist, passes::schedule})
        fn(m, o, s);
    return m;
}

// The firewall counts its verdicts in a PERCPU_ARRAY with constant keys (STAT_*) and reads its
// settings from .rodata: every such lookup becomes the element's address, with no helper call
// and no null check left, and the .rodata load becomes its constant; the lookups of the hash maps
// stay calls.
TEST(LowerLookups, ConstantKeyArrayLookupsAndReadOnlyLoads) {
    if (!std::filesystem::exists(example("simple_firewall"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("simple_firewall"));
    const VerifierResult v = verify(obj.programs[0], obj.maps, software_xdp_platform());
    ASSERT_TRUE(v.ok) << v.error;
    mir::Module m = mir::build_module(obj.programs[0], obj.maps, hardware_platform(), &v.facts);
    passes::PassOptions o{4};
    passes::PassStats s;
    auto count_lookup_calls = [&] {
        size_t n = 0;
        for (const mir::Block& b : m.blocks)
            for (const mir::Insn& in : b.insns)
                if (auto* c = std::get_if<Call>(&in.op); c && c->helper == helper_id::kMapLookupElem) ++n;
        return n;
    };
    passes::cfg(m, o, s);
    passes::lower_maps(m, o, s);
    const size_t before = count_lookup_calls();
    passes::lower_lookups(m, o, s);
    const uint64_t lowered = s.counts["array lookups with a constant key lowered to addresses"];
    EXPECT_EQ(lowered, 9u);
    EXPECT_EQ(s.counts["null checks of known addresses removed"], lowered);
    EXPECT_EQ(s.counts["loads from read-only maps folded to constants"], 1u);
    EXPECT_EQ(count_lookup_calls(), before - lowered);
    EXPECT_EQ(count_lookup_calls(), 3u) << "conntrack twice and open_services stay helper calls";
    // fw_stats is map 2: its window starts at 3 << 32; each address is one wide move of
    // 3 << 32 + key * 8.
    bool saw_window = false;
    for (const mir::Block& b : m.blocks)
        for (const mir::Insn& in : b.insns)
            if (auto* w = std::get_if<mir::MovWide>(&in.op); w && w->dst.v == 0)
                saw_window |= (w->value >> 32) == 3 && (w->value & 0xffffffff) % 8 == 0 && (w->value & 0xffffffff) < 7 * 8;
    EXPECT_TRUE(saw_window);
}

// After lower_lookups the firewall's counter key stores are never read: dead_stores removes them
// (each key store feeds only a lookup that became an address); its counters' load/add/store
// become atomic adds. Disabling the two passes costs bundles.
TEST(DeadStoresAndCounters, FirewallKeysAndCounters) {
    if (!std::filesystem::exists(example("simple_firewall"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("simple_firewall"));
    const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), CompileOptions{});
    ASSERT_TRUE(r.offloadable);
    std::map<std::string, std::map<std::string, uint64_t>> by_pass;
    for (const PassReport& p : r.passes) by_pass[p.name] = p.counts;
    EXPECT_GE(by_pass["dead_stores"]["dead stack stores removed"],
              by_pass["lower_lookups"]["array lookups with a constant key lowered to addresses"]);
    EXPECT_EQ(by_pass["fuse_counter"]["load, add and store of a map value fused into an atomic add"], 3u);
    CompileOptions off;
    off.disable = {"dead_stores", "fuse_counter"};
    const CompileResult without = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), off);
    EXPECT_GT(without.bundles, r.bundles);
    EXPECT_GT(without.insns, r.insns);
}

// xdp2 swaps the MAC addresses; the byte copy of the source address into the destination
// becomes a word and a halfword copy, and the schedule is shorter for it.
TEST(CombineCopies, MacCopyBecomesWordAndHalfword) {
    if (!std::filesystem::exists(example("xdp2"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("xdp2"));
    const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), CompileOptions{});
    ASSERT_TRUE(r.offloadable);
    std::map<std::string, std::map<std::string, uint64_t>> by_pass;
    for (const PassReport& p : r.passes) by_pass[p.name] = p.counts;
    EXPECT_EQ(by_pass["combine_copies"]["byte copies joined"], 6u);
    EXPECT_EQ(by_pass["combine_copies"]["copy instructions saved"], 8u);
    CompileOptions off;
    off.disable = {"combine_copies"};
    EXPECT_GT(compile_program(obj.programs[0], obj.maps, software_xdp_platform(), off).bundles, r.bundles);
    // The other address waits in a stack word: its reload reads the register it was stored from,
    // and the store goes.
    EXPECT_EQ(by_pass["forward_stores"]["stack loads forwarded from the stored register"], 1u);
    // The halfword parked at r10 - 4 comes back after its register was reused: a spare register
    // keeps a copy.
    EXPECT_EQ(by_pass["forward_stores"]["stack loads forwarded through a spare register"], 1u);
    // The source address's upper word is read as two halfwords: they join into one word load.
    EXPECT_EQ(by_pass["combine_loads"]["halfword-load pairs joined into word loads"], 1u);
    off.disable = {"forward_stores"};
    EXPECT_GT(compile_program(obj.programs[0], obj.maps, software_xdp_platform(), off).bundles, r.bundles);
}

// Byte stores of one loaded word's bytes join into one halfword store; a load of the packet
// between them (it could read a byte the wide store would write early) keeps them apart.
TEST(CombineStores, BytesOfOneValueJoinUnlessSomethingReadsBetween) {
    auto stats = [](const std::string& middle) {
        Program p;
        p.name = "t";
        p.section = "xdp";
        p.type = ProgType::Xdp;
        p.insns = assemble(R"(
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 16
            if r4 > r3 goto +6
            r5 = *(u32 *)(r2 + 0)
            *(u8 *)(r2 + 8) = r5
            r6 = r5
            r6 >>= 8
            )" + middle + R"(
            *(u8 *)(r2 + 9) = r6
            r0 = 2
            exit
        )");
        const CompileResult r = compile_program(p, {}, software_xdp_platform(), CompileOptions{});
        EXPECT_TRUE(r.offloadable) << (r.refusal ? r.refusal->text() : "");
        for (const PassReport& pr : r.passes)
            if (pr.name == "combine_stores") return pr.counts;
        return std::map<std::string, uint64_t>{};
    };
    EXPECT_EQ(stats("r0 = 0")["byte stores of one value joined"], 2u);
    EXPECT_EQ(stats("r7 = *(u8 *)(r2 + 9)")["byte stores of one value joined"], 0u);
}

// router_ipv4 copies the route entry's two MAC addresses byte by byte from a map value into the
// frame: two memories the verifier tells apart, so the copy joins as well.
TEST(CombineCopies, RouteMacsFromAMapValueIntoThePacket) {
    if (!std::filesystem::exists(example("router_ipv4"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("router_ipv4"));
    const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), CompileOptions{});
    ASSERT_TRUE(r.offloadable);
    std::map<std::string, std::map<std::string, uint64_t>> by_pass;
    for (const PassReport& p : r.passes) by_pass[p.name] = p.counts;
    // 11 of the 12 bytes: clang loads the last one into the map value's own register.
    EXPECT_EQ(by_pass["combine_copies"]["byte copies joined"], 11u);
    EXPECT_EQ(by_pass["combine_copies"]["copy instructions saved"], 14u);
}

TEST(Schedule, BundlesFollowTheLaneAndHazardRules) {
    for (const char* name : kModules) {
        if (!std::filesystem::exists(example(name))) GTEST_SKIP() << "examples not built";
        const Object obj = load_object(example(name));
        const VerifierResult v = verify(obj.programs[0], obj.maps, software_xdp_platform());
        ASSERT_TRUE(v.ok) << name << ": " << v.error;
        for (unsigned lanes : {1u, 2u, 4u, 8u}) {
            SCOPED_TRACE(std::string(name) + " at " + std::to_string(lanes) + " lanes");
            const mir::Module m = schedule_module(obj, lanes, v.facts);
            size_t scheduled = 0;
            for (const mir::Block& b : m.blocks) {
                for (size_t bi = 0; bi < b.bundles.size(); ++bi) {
                    const mir::Bundle& bu = b.bundles[bi];
                    ASSERT_EQ(bu.lane.size(), lanes);
                    mir::RegMask written = 0;
                    for (size_t l = 0; l < lanes; ++l) {
                        if (!bu.lane[l]) continue;
                        ++scheduled;
                        const mir::Op& op = bu.lane[l]->op;
                        if (l > 0) {
                            EXPECT_FALSE(mir::needs_lane0(op)) << mir::format(op) << " in lane " << l;
                        }
                        EXPECT_FALSE(written & mir::defs(op)) << "two writes of one register: " << mir::format(op);
                        written |= mir::defs(op);
                        if (mir::is_terminator(op)) {
                            EXPECT_EQ(bi + 1, b.bundles.size()) << "jump before the block's end";
                        }
                    }
                    if (bu.carry_hi) {
                        EXPECT_FALSE(bu.lane[0]) << "lane 0 carries an lddw upper half";
                    }
                }
            }
            EXPECT_EQ(scheduled, mir::count_insns(m)) << "every instruction scheduled exactly once";
        }
    }
}

TEST(Compile, MoreLanesNeverMoreBundles) {
    for (const char* name : kModules) {
        if (!std::filesystem::exists(example(name))) GTEST_SKIP() << "examples not built";
        const Object obj = load_object(example(name));
        uint32_t prev = UINT32_MAX;
        for (unsigned lanes : {1u, 2u, 4u, 8u}) {
            CompileOptions o;
            o.lanes = lanes;
            const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), o);
            ASSERT_TRUE(r.offloadable) << name << ": " << (r.refusal ? r.refusal->text() : "");
            EXPECT_LE(r.bundles, prev) << name << " at " << lanes << " lanes";
            EXPECT_LE(r.insns, r.source_insns) << name;
            EXPECT_NEAR(r.static_ipc, double(r.insns) / r.bundles, 1e-9);
            prev = r.bundles;
        }
    }
}

TEST(Compile, PassesReportTheirWorkAndDump) {
    if (!std::filesystem::exists(example("xdp1"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("xdp1"));
    std::ostringstream dump;
    CompileOptions o;
    o.dump_after = "fuse_bounds";
    o.dump = &dump;
    const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), o);
    ASSERT_TRUE(r.offloadable);
    std::map<std::string, std::map<std::string, uint64_t>> by_pass;
    for (const PassReport& p : r.passes) by_pass[p.name] = p.counts;
    EXPECT_GT(by_pass["lower_ctx"]["context loads lowered to register reads"], 0u);
    EXPECT_GT(by_pass["fuse_bounds"]["bounds checks fused into one jump"], 0u);
    EXPECT_GT(by_pass["fuse_exit"]["exits fused with their verdict"], 0u);
    EXPECT_EQ(by_pass["schedule"]["bundles"], r.bundles);
    EXPECT_NE(dump.str().find("; after fuse_bounds"), std::string::npos);
    EXPECT_NE(dump.str().find("jgt with add"), std::string::npos);
    EXPECT_EQ(dump.str().find("; after dce"), std::string::npos);

    // Disabling a pass changes the result; unknown or mandatory passes are refused.
    CompileOptions off;
    off.disable = {"fuse_bounds", "fuse_alu3"};
    const CompileResult without = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), off);
    EXPECT_GT(without.bundles, r.bundles);
    CompileOptions bad;
    bad.disable = {"schedule"};
    EXPECT_THROW(compile_program(obj.programs[0], obj.maps, software_xdp_platform(), bad), Error);
    bad.disable = {};
    bad.dump_after = "nosuchpass";
    try {
        compile_program(obj.programs[0], obj.maps, software_xdp_platform(), bad);
        FAIL() << "accepted an unknown pass";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "compile: --dump-after: no pass named 'nosuchpass'");
    }
}

TEST(Compile, RefusesWhatTheHardwareLacksWithTheReason) {
    if (!std::filesystem::exists(example("tail_call"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("tail_call"));
    const Program* dispatcher = nullptr;
    for (const Program& p : obj.programs)
        for (const RawInsn& i : p.insns)
            if (i.opcode == (op::kClsJmp | op::kCall) && i.src == 0 && i.imm == helper_id::kTailCall) dispatcher = &p;
    ASSERT_NE(dispatcher, nullptr);
    const CompileResult r = compile_program(*dispatcher, obj.maps, software_xdp_platform(), {});
    ASSERT_FALSE(r.offloadable);
    ASSERT_TRUE(r.refusal);
    EXPECT_GE(r.refusal->pc, 0);
    EXPECT_NE(r.refusal->cause.find("prog_array"), std::string::npos) << r.refusal->text();
    EXPECT_EQ(r.refusal->text().rfind("instruction " + std::to_string(r.refusal->pc) + ": ", 0), 0u);

    // callx: the declared gap's reason.
    Program p{"callx", "xdp", ProgType::Xdp, {}};
    RawInsn mov{op::kClsAlu64 | op::kMov | op::kSrcK, 2, 0, 0, 7}, callx{op::kClsJmp | op::kCall | op::kSrcX, 2, 0, 0, 0},
        exit{op::kClsJmp | op::kExit, 0, 0, 0, 0};
    p.insns = {mov, callx, exit};
    const CompileResult c = compile_program(p, {}, software_xdp_platform(), {}, false);
    ASSERT_TRUE(c.refusal);
    EXPECT_EQ(c.refusal->text(), "instruction 1: callx (helper call through a register) is not implemented in hardware");
}

TEST(Image, RoundTripsAndRefusesCorruption) {
    if (!std::filesystem::exists(example("katran_lb"))) GTEST_SKIP() << "examples not built";
    const Object obj = load_object(example("katran_lb"));
    CompileOptions o;
    o.lanes = 4;
    const CompileResult r = compile_program(obj.programs[0], obj.maps, software_xdp_platform(), o);
    ASSERT_TRUE(r.offloadable);
    const auto bytes = serialize_image(r.image);
    EXPECT_EQ(parse_image(bytes, "img"), r.image);
    EXPECT_EQ(r.image.maps.size(), obj.maps.size());
    EXPECT_EQ(r.image.source_pc.size(), r.image.slots.size());

    auto refused = [&](std::vector<uint8_t> b) -> std::string {
        try {
            parse_image(b, "img");
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::BadInput);
            return e.what();
        }
        return "accepted";
    };
    auto flipped = bytes;
    flipped[100] ^= 1;
    EXPECT_EQ(refused(flipped), "img: checksum mismatch (crc32)");
    auto magic = bytes;
    magic[0] = 'X';
    EXPECT_EQ(refused(magic), "img: not a bpfnic firmware image (bad magic)");
    auto version = bytes;
    version[8] = 9;
    EXPECT_EQ(refused(version), "img: unsupported image version 9 (this build reads version 1)");
    auto cut = bytes;
    cut.resize(bytes.size() - 3);
    EXPECT_EQ(refused(cut), "img: total_size " + std::to_string(bytes.size()) + " does not match the " +
                                std::to_string(cut.size()) + " bytes read");
    EXPECT_EQ(refused({}), "img: truncated at field 'magic'");
    EXPECT_EQ(crc32(std::vector<uint8_t>{'1', '2', '3', '4', '5', '6', '7', '8', '9'}), 0xcbf43926u);
}

}  // namespace
}  // namespace bpfnic::tests
