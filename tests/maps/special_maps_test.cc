// SPDX-License-Identifier: MIT
// PROG_ARRAY, PERF_EVENT_ARRAY, ARRAY_OF_MAPS / HASH_OF_MAPS (MapSet binding, inner template
// checks, program-side lookup returning the inner Map*), and the redirect maps (DEVMAP,
// DEVMAP_HASH, CPUMAP, XSKMAP) with their kernel errno codes.
#include <gtest/gtest.h>

#include <cerrno>

#include "compiler/error.h"
#include "driver/maps/map_kinds.h"
#include "tests/maps/map_test_util.h"

namespace bpfnic {
namespace {

using namespace test;

TEST(ProgArray, HostSemantics) {
    auto m = make_map(map_def("progs", map_type::kProgArray, 4, 4, 4));
    auto* pa = dynamic_cast<ProgArrayMap*>(m.get());
    ASSERT_NE(pa, nullptr);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 1, 5)), 0);
    EXPECT_EQ(pa->program(1), 5);
    EXPECT_EQ(pa->program(0), -1);
    EXPECT_EQ(pa->program(9), -1);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 1, 5, update_flag::kNoExist)), -EINVAL) << "BPF_ANY only";
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 4, 5)), -E2BIG);
    uint32_t out;
    const uint32_t k1 = 1, k0 = 0;
    EXPECT_EQ(m->lookup_copy(&k1, &out), 0);
    EXPECT_EQ(out, 5u);
    EXPECT_EQ(m->lookup_copy(&k0, &out), -ENOENT);
    EXPECT_EQ(m->lookup(&k1), nullptr) << "programs cannot read a prog array";
    EXPECT_EQ(erase<uint32_t>(*m, 0), -ENOENT);
    EXPECT_EQ(erase<uint32_t>(*m, 4), -E2BIG);
    EXPECT_EQ(erase<uint32_t>(*m, 1), 0);
    EXPECT_EQ(keys<uint32_t>(*m), (std::vector<uint32_t>{0, 1, 2, 3}));
    EXPECT_THROW(make_map(map_def("p", map_type::kProgArray, 4, 8, 4)), Error);
}

TEST(PerfEventArray, SlotsStartOpen) {
    MapDef d = map_def("events", map_type::kPerfEventArray, 4, 4, 0);
    auto m = make_map(d);
    EXPECT_EQ(m->def().max_entries, kPossibleCpus) << "0 means the possible CPUs";
    auto* pe = dynamic_cast<PerfEventArrayMap*>(m.get());
    ASSERT_NE(pe, nullptr);
    EXPECT_TRUE(pe->open(0));
    EXPECT_FALSE(pe->open(1));
    EXPECT_EQ(erase<uint32_t>(*m, 0), 0);
    EXPECT_FALSE(pe->open(0));
    EXPECT_EQ(erase<uint32_t>(*m, 0), -ENOENT);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 0, 3)), 0);
    EXPECT_TRUE(pe->open(0));
    uint32_t out;
    const uint32_t k = 0;
    EXPECT_EQ(m->lookup_copy(&k, &out), -EOPNOTSUPP);
}

TEST(MapInMap, ArrayOfMapsResolvesIndices) {
    MapSet set({map_def("inner_a", map_type::kArray, 4, 8, 4), map_def("inner_b", map_type::kArray, 4, 8, 4),
                map_def("other", map_type::kArray, 4, 4, 4), [] {
                    MapDef d = map_def("outer", map_type::kArrayOfMaps, 4, 4, 2);
                    d.inner_map = 0;
                    return d;
                }()});
    Map& outer = set.at(3);
    EXPECT_EQ(outer.lookup(std::array<uint32_t, 1>{0}.data()), nullptr);
    EXPECT_EQ((update<uint32_t, uint32_t>(outer, 0, 1)), 0);
    EXPECT_EQ(outer.lookup(std::array<uint32_t, 1>{0}.data()), &set.at(1)) << "the inner Map* itself";
    uint32_t out;
    const uint32_t k0 = 0;
    EXPECT_EQ(outer.lookup_copy(&k0, &out), 0);
    EXPECT_EQ(out, 1u);
    EXPECT_EQ((update<uint32_t, uint32_t>(outer, 1, 2)), -EINVAL) << "value_size differs from the template";
    EXPECT_EQ((update<uint32_t, uint32_t>(outer, 1, 3)), -EINVAL) << "a map-in-map cannot be inner";
    EXPECT_EQ((update<uint32_t, uint32_t>(outer, 1, 17)), -EBADF);
    EXPECT_EQ((update<uint32_t, uint32_t>(outer, 2, 0)), -E2BIG);
    EXPECT_EQ((update<uint32_t, uint32_t>(outer, 1, 0, update_flag::kNoExist)), -EINVAL);
    EXPECT_EQ(erase<uint32_t>(outer, 1), -ENOENT);
    EXPECT_EQ(erase<uint32_t>(outer, 0), 0);
    EXPECT_FALSE(outer.owns(reinterpret_cast<uint64_t>(&set.at(1)), 1));
}

TEST(MapInMap, HashOfMapsAndInnerMapFlag) {
    MapDef tmpl = map_def("tmpl", map_type::kHash, 4, 4, 16, 1u << 12);  // BPF_F_INNER_MAP
    MapDef small = map_def("small", map_type::kHash, 4, 4, 2, 1u << 12);
    MapDef outer = map_def("outer", map_type::kHashOfMaps, 8, 4, 2);
    outer.inner_map = 0;
    MapSet set({tmpl, small, outer});
    Map& o = set.at(2);
    EXPECT_EQ((update<uint64_t, uint32_t>(o, 100, 1)), 0) << "max_entries may differ with BPF_F_INNER_MAP";
    EXPECT_EQ((update<uint64_t, uint32_t>(o, 100, 0, update_flag::kNoExist)), -EEXIST);
    EXPECT_EQ((update<uint64_t, uint32_t>(o, 101, 0, update_flag::kExist)), -ENOENT);
    EXPECT_EQ((update<uint64_t, uint32_t>(o, 101, 0)), 0);
    EXPECT_EQ((update<uint64_t, uint32_t>(o, 102, 0)), -E2BIG);
    EXPECT_EQ(o.lookup(std::array<uint64_t, 1>{100}.data()), &set.at(1));
    EXPECT_EQ(erase<uint64_t>(o, 7), -ENOENT);
}

TEST(MapInMap, MapSetRequiresATemplate) {
    MapDef outer = map_def("outer", map_type::kArrayOfMaps, 4, 4, 2);
    try {
        MapSet set({outer});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_NE(std::string(e.what()).find("'outer'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("inner_map"), std::string::npos);
    }
}

TEST(RedirectMaps, Devmap) {
    auto m = make_map(map_def("dev", map_type::kDevmap, 4, 8, 4));
    auto* rm = dynamic_cast<RedirectMap*>(m.get());
    ASSERT_NE(rm, nullptr);
    const uint32_t val[2] = {5, 0}, bad_prog[2] = {5, 3}, clear[2] = {0, 0};
    const uint32_t k1 = 1, k4 = 4;
    EXPECT_EQ(m->update(&k1, val, update_flag::kNoExist), -EEXIST);
    EXPECT_EQ(m->update(&k4, val, 0), -E2BIG);
    EXPECT_EQ(m->update(&k1, val, 4), -EINVAL);
    EXPECT_EQ(m->update(&k1, bad_prog, 0), -EINVAL);
    EXPECT_EQ(m->update(&k1, val, update_flag::kExist), 0) << "an array: every slot exists";
    uint32_t t = 0;
    EXPECT_TRUE(rm->resolve(1, &t));
    EXPECT_EQ(t, 5u);
    EXPECT_FALSE(rm->resolve(0, &t));
    auto* v = static_cast<uint32_t*>(m->lookup(&k1));
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v[0], 5u);
    EXPECT_TRUE(m->owns(reinterpret_cast<uint64_t>(v), 8));
    EXPECT_EQ(m->update(&k1, clear, 0), 0) << "ifindex 0 clears";
    EXPECT_EQ(m->lookup(&k1), nullptr);
    EXPECT_EQ(erase<uint32_t>(*m, 2), 0);
    EXPECT_EQ(erase<uint32_t>(*m, 4), -EINVAL);
    EXPECT_THROW(make_map(map_def("d", map_type::kDevmap, 4, 12, 4)), Error);
}

TEST(RedirectMaps, DevmapHash) {
    auto m = make_map(map_def("devh", map_type::kDevmapHash, 4, 4, 2));
    auto* rm = dynamic_cast<RedirectMap*>(m.get());
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 100, 0)), -EINVAL) << "no device 0";
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 100, 3, update_flag::kExist)), 0) << "BPF_EXIST is not checked";
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 100, 3, update_flag::kNoExist)), -EEXIST);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 200, 4)), 0);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 300, 4)), -E2BIG);
    uint32_t t;
    EXPECT_TRUE(rm->resolve(200, &t));
    EXPECT_EQ(t, 4u);
    EXPECT_EQ(erase<uint32_t>(*m, 300), -ENOENT);
    EXPECT_EQ(keys<uint32_t>(*m).size(), 2u);
}

TEST(RedirectMaps, Cpumap) {
    auto m = make_map(map_def("cpu", map_type::kCpumap, 4, 4, 4));
    auto* rm = dynamic_cast<RedirectMap*>(m.get());
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 2, 16385)), -EOVERFLOW);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 2, 192)), 0);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 2, 192, update_flag::kNoExist)), -EEXIST);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 4, 192)), -E2BIG);
    uint32_t t;
    EXPECT_TRUE(rm->resolve(2, &t));
    EXPECT_EQ(t, 2u) << "the target is the CPU";
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 2, 0)), 0) << "qsize 0 clears";
    EXPECT_FALSE(rm->resolve(2, &t));
    EXPECT_EQ(rm->extra_redirect_flags(), 0u);
}

TEST(RedirectMaps, Xskmap) {
    auto m = make_map(map_def("xsk", map_type::kXskmap, 4, 4, 4));
    auto* rm = dynamic_cast<RedirectMap*>(m.get());
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 1, 9, update_flag::kExist)), -ENOENT);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 1, 9, update_flag::kNoExist)), 0);
    EXPECT_EQ((update<uint32_t, uint32_t>(*m, 1, 9, update_flag::kNoExist)), -EEXIST);
    uint32_t t;
    EXPECT_TRUE(rm->resolve(1, &t));
    EXPECT_EQ(t, 9u);
    uint32_t out;
    const uint32_t k1 = 1;
    EXPECT_EQ(m->lookup_copy(&k1, &out), -EOPNOTSUPP);
    EXPECT_EQ(erase<uint32_t>(*m, 1), 0);
    EXPECT_EQ(erase<uint32_t>(*m, 1), 0) << "the kernel's xskmap delete always succeeds in range";
    EXPECT_EQ(erase<uint32_t>(*m, 4), -EINVAL);
}

}  // namespace
}  // namespace bpfnic
