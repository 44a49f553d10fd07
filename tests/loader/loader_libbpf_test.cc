// SPDX-License-Identifier: MIT
// Cross-check against libbpf: libbpf relocates and links programs without a kernel when
// bpf_object__gen_loader() precedes bpf_object__load() (it records the syscalls into a loader
// program instead of making them). That is an unofficial use of the light-skeleton path, so this
// test pins it: for every BTF example, libbpf's linked instructions must equal ours, map for map.
#include <gtest/gtest.h>

#include <bpf/libbpf.h>

#include <span>

#include "compiler/loader.h"
#include "tests/loader/loader_test_util.h"

namespace bpfnic {
namespace {

int silent(enum libbpf_print_level, const char*, va_list) { return 0; }

// libbpf names global data maps "<object name prefix>.<section>"; ours are "<section>".
bool same_map(const std::string& ours, const std::string& libbpf_name) {
    if (ours == libbpf_name) return true;
    return ours[0] == '.' && libbpf_name.size() > ours.size() &&
           libbpf_name.compare(libbpf_name.size() - ours.size(), ours.size(), ours) == 0;
}

class LibbpfCrossCheck : public testing::TestWithParam<const char*> {};

TEST_P(LibbpfCrossCheck, SameLinkedInstructionsAndMaps) {
    libbpf_set_print(silent);
    const std::string path = test::example(std::string(GetParam()) + ".o");
    const Object ours = load_object(path);

    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    ASSERT_NE(obj, nullptr) << path;
    gen_loader_opts gen{};
    gen.sz = sizeof gen;
    ASSERT_EQ(bpf_object__gen_loader(obj, &gen), 0);
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj) {
        // libbpf 1.1 cannot guess a type for "xdp/<name>" sections.
        if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC) bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
    }
    ASSERT_EQ(bpf_object__load(obj), 0) << path;

    std::vector<std::string> libbpf_maps;
    bpf_map* map;
    bpf_object__for_each_map(map, obj) libbpf_maps.push_back(bpf_map__name(map));
    ASSERT_EQ(libbpf_maps.size(), ours.maps.size());
    for (size_t i = 0; i < libbpf_maps.size(); ++i)
        EXPECT_TRUE(same_map(ours.maps[i].name, libbpf_maps[i])) << ours.maps[i].name << " vs " << libbpf_maps[i];

    size_t programs = 0;
    bpf_object__for_each_program(prog, obj) {
        ++programs;
        const Program* mine = ours.find_program(bpf_program__name(prog));
        ASSERT_NE(mine, nullptr) << bpf_program__name(prog);
        EXPECT_EQ(mine->section, bpf_program__section_name(prog));
        const size_t n = bpf_program__insn_cnt(prog);
        const auto* raw = reinterpret_cast<const uint8_t*>(bpf_program__insns(prog));
        const std::vector<RawInsn> theirs = insns_from_bytes(std::span(raw, n * sizeof(bpf_insn)));
        ASSERT_EQ(theirs.size(), mine->insns.size()) << mine->name;
        for (size_t i = 0; i < n; ++i)
            EXPECT_EQ(theirs[i], mine->insns[i]) << mine->name << " instruction " << i;
    }
    EXPECT_EQ(programs, ours.programs.size());
    bpf_object__close(obj);
}

INSTANTIATE_TEST_SUITE_P(Examples, LibbpfCrossCheck,
                         testing::Values("xdp_drop", "xdp_pass", "xdp_tx", "xdp_redirect", "xdp1", "xdp2",
                                         "xdp_adjust_tail", "router_ipv4", "rxq_info", "tx_ip_tunnel",
                                         "simple_firewall", "katran_lb", "globals", "subprog", "tail_call",
                                         "multi_prog"));

}  // namespace
}  // namespace bpfnic
