// SPDX-License-Identifier: MIT
// Positive loader tests over the compiled examples: programs, sections and types, maps with their
// types and sizes, global data bytes, linked subprograms, tail calls and legacy maps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <tuple>

#include "compiler/loader.h"
#include "tests/loader/loader_test_util.h"

namespace bpfnic {
namespace {

using test::example;

struct MapExpect {
    const char* name;
    uint32_t type, key_size, value_size, max_entries, flags;
};

void expect_maps(const Object& obj, const std::vector<MapExpect>& want) {
    ASSERT_EQ(obj.maps.size(), want.size()) << obj.path;
    for (const MapExpect& w : want) {
        const int idx = obj.find_map(w.name);
        ASSERT_GE(idx, 0) << obj.path << ": no map " << w.name;
        const MapDef& m = obj.maps[idx];
        EXPECT_EQ(m.type, w.type) << w.name;
        EXPECT_EQ(m.key_size, w.key_size) << w.name;
        EXPECT_EQ(m.value_size, w.value_size) << w.name;
        EXPECT_EQ(m.max_entries, w.max_entries) << w.name;
        EXPECT_EQ(m.map_flags, w.flags) << w.name;
        EXPECT_EQ(m.inner_map, -1) << w.name;
    }
}

const Program& only_program(const Object& obj) {
    EXPECT_EQ(obj.programs.size(), 1u) << obj.path;
    return obj.programs.at(0);
}

TEST(LoaderExamples, MinimalProgramsReturnTheirVerdict) {
    const std::pair<const char*, int32_t> cases[] = {{"xdp_drop", 1}, {"xdp_pass", 2}, {"xdp_tx", 3}};
    for (const auto& [name, verdict] : cases) {
        const Object obj = load_object(example(std::string(name) + ".o"));
        EXPECT_EQ(obj.license, "GPL");
        EXPECT_TRUE(obj.maps.empty());
        const Program& p = only_program(obj);
        EXPECT_EQ(p.name, std::string(name) + "_prog");
        EXPECT_EQ(p.section, "xdp");
        EXPECT_EQ(p.type, ProgType::Xdp);
        ASSERT_EQ(p.insns.size(), 2u);
        EXPECT_EQ(p.insns[0], (RawInsn{0xb7, 0, 0, 0, verdict}));  // mov r0, verdict
        EXPECT_EQ(p.insns[1], (RawInsn{0x95, 0, 0, 0, 0}));        // exit
    }
}

TEST(LoaderExamples, RedirectReadsIfindexFromRodata) {
    const Object obj = load_object(example("xdp_redirect.o"));
    ASSERT_EQ(obj.maps.size(), 1u);
    const MapDef& ro = obj.maps[0];
    EXPECT_EQ(ro.name, ".rodata");
    EXPECT_EQ(ro.type, map_type::kArray);
    EXPECT_EQ(ro.key_size, 4u);
    EXPECT_EQ(ro.value_size, 4u);
    EXPECT_EQ(ro.max_entries, 1u);
    EXPECT_TRUE(ro.read_only);
    EXPECT_EQ(ro.initial_data, (std::vector<uint8_t>{2, 0, 0, 0}));
    const Program& p = only_program(obj);
    const auto refs = test::lddw_with_src(p, op::kPseudoMapIdxValue);
    ASSERT_EQ(refs.size(), 1u);
    EXPECT_EQ(p.insns[refs[0]].imm, 0);
    EXPECT_EQ(p.insns[refs[0] + 1].imm, 0);
    EXPECT_EQ(test::helper_calls(p), (std::vector<int32_t>{23}));  // bpf_redirect
}

TEST(LoaderExamples, Xdp1AndXdp2CountInAPercpuArray) {
    for (const char* name : {"xdp1.o", "xdp2.o"}) {
        const Object obj = load_object(example(name));
        expect_maps(obj, {{"rxcnt", map_type::kPercpuArray, 4, 8, 256, 0}});
        const Program& p = only_program(obj);
        const auto refs = test::lddw_with_src(p, op::kPseudoMapIdx);
        ASSERT_FALSE(refs.empty());
        for (size_t i : refs) {
            EXPECT_EQ(p.insns[i].imm, 0);
            EXPECT_EQ(p.insns[i + 1].imm, 0);
        }
    }
}

TEST(LoaderExamples, IoModulesHaveTheirMaps) {
    expect_maps(load_object(example("xdp_adjust_tail.o")),
                {{"icmpcnt", map_type::kArray, 4, 8, 1, 0}, {".rodata", map_type::kArray, 4, 6, 1, 0}});
    expect_maps(load_object(example("router_ipv4.o")), {{"routes", map_type::kLpmTrie, 8, 16, 1024, 1},
                                                         {"tx_ports", map_type::kDevmap, 4, 4, 64, 0},
                                                         {"forwarded", map_type::kPercpuArray, 4, 8, 64, 0}});
    expect_maps(load_object(example("rxq_info.o")), {{"rx_queue_stats", map_type::kArray, 4, 16, 65, 0},
                                                     {".data", map_type::kArray, 4, 8, 1, 0},
                                                     {".bss", map_type::kArray, 4, 4, 1, 0}});
    expect_maps(load_object(example("tx_ip_tunnel.o")), {{"vip2tnl", map_type::kHash, 8, 16, 256, 0},
                                                         {"encap_count", map_type::kPercpuArray, 4, 8, 256, 0}});
    expect_maps(load_object(example("simple_firewall.o")), {{"conntrack", map_type::kLruHash, 16, 24, 4096, 0},
                                                            {"open_services", map_type::kHash, 4, 1, 64, 0},
                                                            {"fw_stats", map_type::kPercpuArray, 4, 8, 7, 0},
                                                            {".rodata", map_type::kArray, 4, 4, 1, 0}});
    expect_maps(load_object(example("katran_lb.o")), {{"vip_map", map_type::kHash, 8, 8, 16, 0},
                                                      {"ch_rings", map_type::kArray, 4, 4, 16 * 1031, 0},
                                                      {"reals", map_type::kArray, 4, 8, 256, 0},
                                                      {"lru_conn", map_type::kLruHash, 16, 4, 8192, 0},
                                                      {"ctl_array", map_type::kArray, 4, 8, 1, 0},
                                                      {"vip_stats", map_type::kPercpuArray, 4, 16, 17, 0}});
}

TEST(LoaderExamples, RxqInfoConfigLivesInData) {
    const Object obj = load_object(example("rxq_info.o"));
    const MapDef& data = obj.maps.at(obj.find_map(".data"));
    EXPECT_FALSE(data.read_only);
    EXPECT_EQ(data.initial_data, (std::vector<uint8_t>{1, 0, 0, 0, 0, 0, 0, 0}));  // {XDP_DROP, no swap}
    const MapDef& bss = obj.maps.at(obj.find_map(".bss"));
    EXPECT_EQ(bss.initial_data, (std::vector<uint8_t>(4, 0)));
}

TEST(LoaderExamples, GlobalDataSectionsBecomeArrays) {
    const Object obj = load_object(example("globals.o"));
    const int ro = obj.find_map(".rodata"), data = obj.find_map(".data"), bss = obj.find_map(".bss"),
              str = obj.find_map(".rodata.str1.1");
    ASSERT_GE(ro, 0);
    ASSERT_GE(data, 0);
    ASSERT_GE(bss, 0);
    ASSERT_GE(str, 0);
    // .rodata: min_len = 60 (u32), tag_byte_index = 3 (u8).
    EXPECT_EQ(obj.maps[ro].initial_data, (std::vector<uint8_t>{60, 0, 0, 0, 3}));
    EXPECT_TRUE(obj.maps[ro].read_only);
    // .data: seen_packets = 100 (u64), last_proto = 0xffffffff (u32).
    EXPECT_EQ(obj.maps[data].initial_data, (std::vector<uint8_t>{100, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}));
    EXPECT_FALSE(obj.maps[data].read_only);
    // .bss: two u64 and a u8, zeroed.
    EXPECT_EQ(obj.maps[bss].initial_data, (std::vector<uint8_t>(24, 0)));
    EXPECT_EQ(obj.maps[bss].value_size, 24u);
    const std::string tag = "bpfnic-globals";
    std::vector<uint8_t> tag_bytes(tag.begin(), tag.end());
    tag_bytes.push_back(0);
    EXPECT_EQ(obj.maps[str].initial_data, tag_bytes);
    EXPECT_TRUE(obj.maps[str].read_only);

    const Program& p = only_program(obj);
    EXPECT_TRUE(test::lddw_with_src(p, op::kPseudoMapIdx).empty());
    const auto refs = test::lddw_with_src(p, op::kPseudoMapIdxValue);
    std::set<std::pair<int32_t, int32_t>> seen;  // (map, offset)
    for (size_t i : refs) seen.insert({p.insns[i].imm, p.insns[i + 1].imm});
    const std::set<std::pair<int32_t, int32_t>> want = {
        {data, 0}, {data, 8},  // seen_packets, last_proto
        {ro, 0},   {ro, 4},    // min_len, tag_byte_index
        {bss, 0},  {bss, 8},  {bss, 16},  // dropped_short, passed_bytes, last_tag
        {str, 0},  // the string literal, from the linked subprogram
    };
    EXPECT_EQ(seen, want);
    // tag_byte is a subprogram: linked after the program's own code.
    const auto calls = test::local_call_targets(p);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0], 44u);  // xdp_globals has 44 instructions
    EXPECT_EQ(p.insns.size(), 44u + 10u);
}

TEST(LoaderExamples, SubprogramsAreLinkedIntoEachCaller) {
    const Object obj = load_object(example("subprog.o"));
    ASSERT_EQ(obj.programs.size(), 2u);
    expect_maps(obj, {{"class_count", map_type::kArray, 4, 8, 4, 0}});

    // xdp_count_classes (16 insns) -> classify (13) -> parse_l3 (12).
    const Program* classes = obj.find_program("xdp_count_classes");
    ASSERT_NE(classes, nullptr);
    EXPECT_EQ(classes->insns.size(), 16u + 13u + 12u);
    EXPECT_EQ(test::local_call_targets(*classes), (std::vector<size_t>{16, 29}));

    // xdp_odd_csum (34 insns) calls csum_add16 (11) four times and parse_l3 (12) once.
    const Program* csum = obj.find_program("xdp_odd_csum");
    ASSERT_NE(csum, nullptr);
    EXPECT_EQ(csum->insns.size(), 34u + 11u + 12u);
    const auto targets = test::local_call_targets(*csum);
    ASSERT_EQ(targets.size(), 5u);
    const std::set<size_t> distinct(targets.begin(), targets.end());
    EXPECT_EQ(distinct.size(), 2u);
    EXPECT_EQ(std::count(targets.begin(), targets.end(), targets[0]), 4);
    for (size_t t : targets) EXPECT_GE(t, 34u);
    EXPECT_TRUE(validate(csum->insns).empty());
    EXPECT_TRUE(validate(classes->insns).empty());
}

TEST(LoaderExamples, TailCallProgramsShareTheProgArray) {
    const Object obj = load_object(example("tail_call.o"));
    expect_maps(obj, {{"jump_table", map_type::kProgArray, 4, 4, 2, 0}, {"stage_count", map_type::kArray, 4, 8, 4, 0}});
    const int jt = obj.find_map("jump_table");
    const std::pair<const char*, const char*> progs[] = {
        {"xdp_ipv4", "xdp/ipv4"}, {"xdp_ipv6", "xdp/ipv6"}, {"xdp_dispatch", "xdp"}};
    ASSERT_EQ(obj.programs.size(), 3u);
    for (const auto& [name, section] : progs) {
        const Program* p = obj.find_program(name);
        ASSERT_NE(p, nullptr) << name;
        EXPECT_EQ(p->section, section);
        EXPECT_EQ(p->type, ProgType::Xdp);
    }
    const Program* dispatch = obj.find_program("xdp_dispatch");
    const auto helpers = test::helper_calls(*dispatch);
    EXPECT_GE(std::count(helpers.begin(), helpers.end(), 12), 1);  // bpf_tail_call (clang may merge the two sites)
    EXPECT_TRUE(test::referenced_maps(*dispatch).count(jt));
    EXPECT_FALSE(test::referenced_maps(*obj.find_program("xdp_ipv4")).count(jt));
    EXPECT_EQ(obj.find_program("xdp/ipv6"), obj.find_program("xdp_ipv6"));
}

TEST(LoaderExamples, LegacyMapsWithAndWithoutBtf) {
    const Object with_btf = load_object(example("legacy_maps.o"));
    const Object without = load_object(example("legacy_maps_nobtf.o"));
    for (const Object* obj : {&with_btf, &without}) {
        expect_maps(*obj, {{"proto_count", map_type::kArray, 4, 8, 4, 0}, {"mac_bytes", map_type::kHash, 4, 8, 1024, 0}});
        const Program& p = only_program(*obj);
        EXPECT_EQ(p.name, "xdp_legacy_count");
        EXPECT_EQ(test::referenced_maps(p), (std::set<int32_t>{0, 1}));
    }
    EXPECT_EQ(with_btf.programs[0].insns, without.programs[0].insns);
}

TEST(LoaderExamples, SeveralProgramsOfSeveralTypes) {
    const Object obj = load_object(example("multi_prog.o"));
    const std::tuple<const char*, const char*, ProgType> want[] = {
        {"xdp_count_pass", "xdp", ProgType::Xdp},
        {"xdp_drop_arp", "xdp/drop_arp", ProgType::Xdp},
        {"xdp_frags_pass", "xdp.frags", ProgType::Xdp},
        {"tc_count", "tc", ProgType::SchedCls},
    };
    ASSERT_EQ(obj.programs.size(), 4u);
    for (size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(obj.programs[i].name, std::get<0>(want[i]));
        EXPECT_EQ(obj.programs[i].section, std::get<1>(want[i]));
        EXPECT_EQ(obj.programs[i].type, std::get<2>(want[i]));
    }
    EXPECT_EQ(test::referenced_maps(*obj.find_program("tc_count")), (std::set<int32_t>{0}));
    EXPECT_TRUE(test::referenced_maps(*obj.find_program("xdp_frags_pass")).empty());
}

TEST(LoaderExamples, MapInMapRecordsTheInnerTemplate) {
    const Object obj = load_object(test::elf_case("map_in_map.o"));
    ASSERT_EQ(obj.maps.size(), 2u);
    EXPECT_EQ(obj.maps[0].name, "outer");
    EXPECT_EQ(obj.maps[0].type, map_type::kArrayOfMaps);
    EXPECT_EQ(obj.maps[0].key_size, 4u);
    EXPECT_EQ(obj.maps[0].value_size, 4u);
    EXPECT_EQ(obj.maps[0].max_entries, 4u);
    EXPECT_EQ(obj.maps[0].inner_map, 1);
    EXPECT_EQ(obj.maps[1].name, "outer.inner");
    EXPECT_EQ(obj.maps[1].type, map_type::kArray);
    EXPECT_EQ(obj.maps[1].key_size, 4u);
    EXPECT_EQ(obj.maps[1].value_size, 8u);
    EXPECT_EQ(obj.maps[1].max_entries, 8u);
}

// Every example: programs pass the ISA check, and every map reference is an index in range with
// an offset inside the value for global data.
TEST(LoaderExamples, EveryReferenceIsResolved) {
    const char* names[] = {"xdp_drop", "xdp_pass", "xdp_tx", "xdp_redirect", "xdp1", "xdp2", "xdp_adjust_tail",
                           "router_ipv4", "rxq_info", "tx_ip_tunnel", "simple_firewall", "katran_lb", "legacy_maps",
                           "legacy_maps_nobtf", "globals", "subprog", "tail_call", "multi_prog"};
    for (const char* name : names) {
        const Object obj = load_object(example(std::string(name) + ".o"));
        ASSERT_FALSE(obj.programs.empty()) << name;
        for (const Program& p : obj.programs) {
            EXPECT_TRUE(validate(p.insns).empty()) << name << ": " << p.name;
            for (size_t i = 0; i < p.insns.size(); ++i) {
                const RawInsn& insn = p.insns[i];
                if (insn.opcode != test::kLddw) continue;
                EXPECT_TRUE(insn.src == op::kPseudoMapIdx || insn.src == op::kPseudoMapIdxValue ||
                            (insn.src == op::kPseudoImm64))
                    << name << ": " << p.name << " instruction " << i;
                if (insn.src == op::kPseudoImm64) continue;
                ASSERT_GE(insn.imm, 0);
                ASSERT_LT(static_cast<size_t>(insn.imm), obj.maps.size()) << name << " instruction " << i;
                if (insn.src == op::kPseudoMapIdxValue)
                    EXPECT_LT(static_cast<uint32_t>(p.insns[i + 1].imm), obj.maps[insn.imm].value_size);
                else
                    EXPECT_EQ(p.insns[i + 1].imm, 0);
                ++i;
            }
        }
    }
}

TEST(LoaderExamples, FromMemoryMatchesFromFile) {
    const std::string path = example("katran_lb.o");
    const std::vector<uint8_t> bytes = test::read_bytes(path);
    const Object a = load_object(path);
    const Object b = load_object_from_memory(bytes, "katran in memory");
    EXPECT_EQ(b.path, "katran in memory");
    EXPECT_EQ(a.license, b.license);
    ASSERT_EQ(a.programs.size(), b.programs.size());
    EXPECT_EQ(a.programs[0].insns, b.programs[0].insns);
    ASSERT_EQ(a.maps.size(), b.maps.size());
    for (size_t i = 0; i < a.maps.size(); ++i) EXPECT_EQ(a.maps[i].name, b.maps[i].name);
}

}  // namespace
}  // namespace bpfnic
