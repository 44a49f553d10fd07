// SPDX-License-Identifier: MIT
// ARRAY / PERCPU_ARRAY: kernel errno codes, contiguous layout, next_key order, per-CPU host
// layout, global data (initial values, frozen .rodata) and creation checks.
#include <gtest/gtest.h>

#include <cerrno>

#include "compiler/error.h"
#include "tests/maps/map_test_util.h"

namespace bpfnic {
namespace {

using namespace test;

TEST(ArrayMap, KernelErrnoCodes) {
    auto m = make_map(map_def("arr", map_type::kArray, 4, 8, 4));
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 3, 42)), 0);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 3, 43, update_flag::kExist)), 0);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 3, 44, update_flag::kNoExist)), -EEXIST);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 4, 1)), -E2BIG);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 4, 1, 3)), -EINVAL) << "flags are checked before the index";
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 0, 1, update_flag::kLock)), 0);
    EXPECT_EQ((update<uint32_t, uint64_t>(*m, 0, 1, update_flag::kLock | update_flag::kNoExist)), -EEXIST);
    EXPECT_EQ((erase<uint32_t>(*m, 0)), -EINVAL);
    EXPECT_EQ((*lookup<uint64_t>(*m, uint32_t{3})), 43u);
    EXPECT_EQ(lookup<uint64_t>(*m, uint32_t{4}), nullptr);
    uint64_t out = 0;
    const uint32_t k = 3, bad = 9;
    EXPECT_EQ(m->lookup_copy(&k, &out), 0);
    EXPECT_EQ(out, 43u);
    EXPECT_EQ(m->lookup_copy(&bad, &out), -ENOENT);
}

TEST(ArrayMap, ContiguousLayoutAndOwns) {
    auto m = make_map(map_def("arr", map_type::kArray, 4, 12, 3));
    uint8_t* base = m->array_base();
    ASSERT_NE(base, nullptr);
    EXPECT_EQ(m->lookup(std::array<uint32_t, 1>{2}.data()), base + 24);
    for (int i = 0; i < 36; ++i) EXPECT_EQ(base[i], 0) << "zero-initialised";
    const uint64_t b = reinterpret_cast<uint64_t>(base);
    EXPECT_TRUE(m->owns(b, 12));
    EXPECT_TRUE(m->owns(b + 24, 12));
    EXPECT_FALSE(m->owns(b + 8, 8)) << "crosses two values";
    EXPECT_FALSE(m->owns(b + 36, 1));
    EXPECT_FALSE(m->owns(b - 1, 1));
}

TEST(ArrayMap, NextKeyOrder) {
    auto m = make_map(map_def("arr", map_type::kArray, 4, 4, 3));
    EXPECT_EQ((keys<uint32_t>(*m)), (std::vector<uint32_t>{0, 1, 2}));
    uint32_t n = 99;
    const uint32_t last = 2, beyond = 7;
    EXPECT_EQ(m->next_key(&last, &n), -ENOENT);
    EXPECT_EQ(m->next_key(&beyond, &n), 0);
    EXPECT_EQ(n, 0u) << "an out-of-range key restarts at 0";
}

TEST(ArrayMap, PerCpuHostLayout) {
    auto m = make_map(map_def("pc", map_type::kPercpuArray, 4, 6, 2));
    EXPECT_EQ(m->host_value_size(), 8u * kPossibleCpus);
    const uint8_t v[8] = {1, 2, 3, 4, 5, 6, 0xee, 0xee};
    const uint32_t k = 1;
    EXPECT_EQ(m->update(&k, v, 0), 0);
    uint8_t out[8];
    std::memset(out, 0xff, sizeof out);
    EXPECT_EQ(m->lookup_copy(&k, out), 0);
    EXPECT_EQ(std::vector<uint8_t>(out, out + 8), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 0, 0}));
    EXPECT_EQ(static_cast<uint8_t*>(m->lookup(&k))[5], 6);
}

TEST(ArrayMap, GlobalDataAndFrozenRodata) {
    MapDef data = map_def(".data", map_type::kArray, 4, 8, 1);
    data.initial_data = {1, 2, 3};
    MapDef ro = map_def(".rodata", map_type::kArray, 4, 4, 1);
    ro.initial_data = {9, 8, 7, 6};
    ro.read_only = true;
    MapSet set({data, ro});
    EXPECT_EQ(set.find(".rodata"), 1);
    EXPECT_EQ(set.find("nope"), -1);
    const uint8_t* d = set.at(0).array_base();
    EXPECT_EQ(std::vector<uint8_t>(d, d + 8), (std::vector<uint8_t>{1, 2, 3, 0, 0, 0, 0, 0}));
    EXPECT_EQ(set.at(1).array_base()[3], 6);
    EXPECT_EQ((update<uint32_t, uint32_t>(set.at(1), 0, 5)), -EPERM);
    EXPECT_EQ((erase<uint32_t>(set.at(1), 0)), -EPERM);
    EXPECT_EQ((update<uint32_t, uint64_t>(set.at(0), 0, 5)), 0);
    EXPECT_TRUE(set.owns(reinterpret_cast<uint64_t>(d), 8));
    EXPECT_FALSE(set.owns(reinterpret_cast<uint64_t>(d), 9));
}

void expect_bad(const MapDef& d, const char* fragment) {
    try {
        make_map(d);
        ADD_FAILURE() << "no error for " << fragment;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        const std::string msg = e.what();
        EXPECT_NE(msg.find("'" + d.name + "'"), std::string::npos) << msg;
        EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    }
}

TEST(ArrayMap, CreationChecks) {
    expect_bad(map_def("a1", map_type::kArray, 8, 4, 1), "key_size must be 4");
    expect_bad(map_def("a2", map_type::kArray, 4, 0, 1), "value_size must be > 0");
    expect_bad(map_def("a3", map_type::kArray, 4, 4, 0), "max_entries must be > 0");
    expect_bad(map_def("a4", map_type::kArray, 4, 4, 1, 1), "map_flags 0x1");
    expect_bad(map_def("a5", map_type::kPercpuArray, 4, 4, 1, 1u << 10), "map_flags 0x400");
    expect_bad(map_def("a6", map_type::kArray, 4, 1u << 20, 1u << 12), "1 GiB");
    MapDef big = map_def("a7", map_type::kArray, 4, 4, 1);
    big.initial_data.resize(5);
    expect_bad(big, "initial data");
    try {
        make_map(map_def("ring", 27, 0, 0, 4096));
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unsupported);
        EXPECT_NE(std::string(e.what()).find("'ring'"), std::string::npos);
    }
}

}  // namespace
}  // namespace bpfnic
