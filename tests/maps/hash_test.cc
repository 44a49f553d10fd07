// SPDX-License-Identifier: MIT
// HASH / PERCPU_HASH / LRU_HASH / LRU_PERCPU_HASH: errno codes, full maps, replacement when full,
// next_key restart for absent keys, value address stability and slot reuse, strict LRU eviction.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "compiler/error.h"
#include "tests/maps/map_test_util.h"

namespace bpfnic {
namespace {

using namespace test;

TEST(HashMap, KernelErrnoCodes) {
    auto m = make_map(map_def("h", map_type::kHash, 4, 8, 2));
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 1, 10, update_flag::kExist)), -ENOENT);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 1, 10, update_flag::kNoExist)), 0);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 1, 11, update_flag::kNoExist)), -EEXIST);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 1, 12, update_flag::kExist)), 0);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 2, 20)), 0);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 3, 30)), -E2BIG) << "full";
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 2, 21)), 0) << "replacing works when full";
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 2, 21, 4 | 3)), -EINVAL);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 2, 21, 8)), -EINVAL);
    EXPECT_EQ((*lookup<uint64_t>(*m, uint32_t{1})), 12u);
    EXPECT_EQ((erase<uint32_t>(*m, 3)), -ENOENT);
    EXPECT_EQ((erase<uint32_t>(*m, 1)), 0);
    EXPECT_EQ(lookup<uint64_t>(*m, uint32_t{1}), nullptr);
    uint64_t out;
    const uint32_t k1 = 1;
    EXPECT_EQ(m->lookup_copy(&k1, &out), -ENOENT);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 3, 30)), 0) << "room again";
}

TEST(HashMap, NextKeyRestartsAtFirstForAbsentKey) {
    auto m = make_map(map_def("h", map_type::kHash, 4, 4, 8));
    for (uint32_t k : {5u, 6u, 7u}) ASSERT_EQ((update<uint32_t, uint32_t>(*m, k, k)), 0);
    auto all = keys<uint32_t>(*m);
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, (std::vector<uint32_t>{5, 6, 7}));
    uint32_t first, n;
    ASSERT_EQ(m->next_key(nullptr, &first), 0);
    const uint32_t absent = 99;
    ASSERT_EQ(m->next_key(&absent, &n), 0);
    EXPECT_EQ(n, first);
    // Deleting while iterating: the usual get_next/delete loop drains the map.
    uint32_t cur;
    int deleted = 0;
    while (m->next_key(nullptr, &cur) == 0) {
        ASSERT_EQ(m->erase(&cur), 0);
        ++deleted;
    }
    EXPECT_EQ(deleted, 3);
    EXPECT_EQ(m->next_key(nullptr, &n), -ENOENT);
}

TEST(HashMap, ValuesStayPutAndSlotsAreReused) {
    auto m = make_map(map_def("h", map_type::kHash, 8, 16, 1000));
    std::vector<void*> ptrs;
    for (uint64_t k = 0; k < 1000; ++k) {
        ASSERT_EQ((update<uint64_t, std::array<uint64_t, 2>>(*m, k, {k, ~k})), 0);
        ptrs.push_back(m->lookup(&k));
    }
    for (uint64_t k = 0; k < 1000; ++k) {
        ASSERT_EQ(m->lookup(&k), ptrs[k]) << "inserts never move values";
        ASSERT_EQ(static_cast<uint64_t*>(ptrs[k])[1], ~k);
        ASSERT_TRUE(m->owns(reinterpret_cast<uint64_t>(ptrs[k]), 16));
        ASSERT_FALSE(m->owns(reinterpret_cast<uint64_t>(ptrs[k]) + 8, 9));
    }
    const uint64_t k5 = 5;
    ASSERT_EQ(m->erase(&k5), 0);
    EXPECT_TRUE(m->owns(reinterpret_cast<uint64_t>(ptrs[5]), 16)) << "a deleted value stays valid memory";
    const uint64_t k2000 = 2000;
    ASSERT_EQ((update<uint64_t, std::array<uint64_t, 2>>(*m, k2000, {1, 2})), 0);
    EXPECT_EQ(m->lookup(&k2000), ptrs[5]) << "the freed slot is reused";
}

TEST(HashMap, PerCpuHostLayout) {
    auto m = make_map(map_def("pch", map_type::kPercpuHash, 4, 4, 4));
    EXPECT_EQ(m->host_value_size(), 8u);
    const uint32_t k = 1;
    const uint32_t v[2] = {0x11223344, 0xdeadbeef};
    ASSERT_EQ(m->update(&k, v, 0), 0);
    uint32_t out[2] = {1, 1};
    ASSERT_EQ(m->lookup_copy(&k, out), 0);
    EXPECT_EQ(out[0], 0x11223344u);
    EXPECT_EQ(out[1], 0u);
}

TEST(LruHashMap, EvictsLeastRecentlyUsed) {
    for (uint32_t type : {map_type::kLruHash, map_type::kLruPercpuHash}) {
        auto m = make_map(map_def("lru", type, 4, 4, 3));
        for (uint32_t k : {1u, 2u, 3u}) ASSERT_EQ((update<uint32_t, uint32_t>(*m, k, k * 10)), 0);
        ASSERT_NE(lookup<uint32_t>(*m, uint32_t{1}), nullptr);  // 1 is now the most recent
        ASSERT_EQ((update<uint32_t, uint32_t>(*m, 4, 40)), 0);    // evicts 2
        EXPECT_EQ(lookup<uint32_t>(*m, uint32_t{2}), nullptr);
        ASSERT_EQ((update<uint32_t, uint32_t>(*m, 3, 31)), 0);    // update marks 3 used
        ASSERT_EQ((update<uint32_t, uint32_t>(*m, 5, 50)), 0);    // recency 3, 4, 1: evicts 1
        EXPECT_EQ(lookup<uint32_t>(*m, uint32_t{1}), nullptr);
        EXPECT_EQ((*lookup<uint32_t>(*m, uint32_t{3})), 31u);
        EXPECT_EQ((*lookup<uint32_t>(*m, uint32_t{4})), 40u);
        EXPECT_EQ((*lookup<uint32_t>(*m, uint32_t{5})), 50u);
        EXPECT_EQ((update<uint32_t, uint32_t>(*m, 6, 60, update_flag::kExist)), -ENOENT);
        EXPECT_EQ((update<uint32_t, uint32_t>(*m, 5, 60, update_flag::kNoExist)), -EEXIST);
    }
}

TEST(LruHashMap, HostLookupDoesNotTouch) {
    auto m = make_map(map_def("lru", map_type::kLruHash, 4, 4, 2));
    ASSERT_EQ((update<uint32_t, uint32_t>(*m, 1, 1)), 0);
    ASSERT_EQ((update<uint32_t, uint32_t>(*m, 2, 2)), 0);
    uint32_t out;
    const uint32_t k1 = 1;
    ASSERT_EQ(m->lookup_copy(&k1, &out), 0);
    ASSERT_EQ((update<uint32_t, uint32_t>(*m, 3, 3)), 0);
    EXPECT_EQ(m->lookup_copy(&k1, &out), -ENOENT) << "1 stayed least recent";
}

TEST(LruHashMap, ValueFromTheEvictedElementSurvives) {
    auto m = make_map(map_def("lru", map_type::kLruHash, 4, 8, 1));
    ASSERT_EQ((update<uint32_t, uint64_t>(*m, 1, 0x1234)), 0);
    void* victim = m->lookup(std::array<uint32_t, 1>{1}.data());
    const uint32_t k2 = 2;
    ASSERT_EQ(m->update(&k2, victim, 0), 0);
    EXPECT_EQ((*lookup<uint64_t>(*m, uint32_t{2})), 0x1234u);
}

TEST(HashMap, CreationChecks) {
    EXPECT_THROW(make_map(map_def("h", map_type::kHash, 0, 4, 1)), Error);
    EXPECT_THROW(make_map(map_def("h", map_type::kHash, 513, 4, 1)), Error);
    EXPECT_THROW(make_map(map_def("h", map_type::kHash, 4, 0, 1)), Error);
    EXPECT_THROW(make_map(map_def("h", map_type::kHash, 4, 4, 0)), Error);
    EXPECT_THROW(make_map(map_def("h", map_type::kHash, 4, 4, 1, 2)), Error) << "NO_COMMON_LRU on a plain hash";
    EXPECT_THROW(make_map(map_def("h", map_type::kLruHash, 4, 4, 1, 1)), Error) << "LRU without prealloc";
    EXPECT_NO_THROW(make_map(map_def("h", map_type::kHash, 4, 4, 1, 1)));
    EXPECT_NO_THROW(make_map(map_def("h", map_type::kLruHash, 4, 4, 1, 2)));
    EXPECT_NO_THROW(make_map(map_def("h", map_type::kHash, 4, 4, 1u << 30))) << "storage is allocated lazily";
}

}  // namespace
}  // namespace bpfnic
