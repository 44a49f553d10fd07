// SPDX-License-Identifier: MIT
// Map helpers (lookup/update/delete through Map*), the program-side write restrictions, and
// bpf_tail_call's slot, range, count and program-index rules.
#include <gtest/gtest.h>

#include <cerrno>

#include "compiler/platform.h"
#include "driver/maps.h"
#include "tests/helpers/helper_call.h"

namespace bpfnic {
namespace {

using test::s;
using test::u;
using test::xdp_call;
namespace h = helper_id;

MapDef def(const char* name, uint32_t type, uint32_t ksize, uint32_t vsize, uint32_t max) {
    MapDef d;
    d.name = name;
    d.type = type;
    d.key_size = ksize;
    d.value_size = vsize;
    d.max_entries = max;
    return d;
}

TEST(MapHelpers, LookupUpdateDeleteThroughMapPointer) {
    MapSet maps({def("h", map_type::kHash, 4, 8, 2)});
    ExecEnv env;
    env.maps = &maps;
    const uint64_t m = u(&maps.at(0));
    const uint32_t k = 7;
    const uint64_t v = 0x1122334455667788;
    EXPECT_EQ(xdp_call(h::kMapLookupElem, env, m, u(&k)), 0u);
    EXPECT_EQ(s(xdp_call(h::kMapUpdateElem, env, m, u(&k), u(&v), 0)), 0);
    auto* p = reinterpret_cast<uint64_t*>(xdp_call(h::kMapLookupElem, env, m, u(&k)));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(*p, v);
    EXPECT_TRUE(maps.owns(u(p), 8));
    EXPECT_EQ(s(xdp_call(h::kMapUpdateElem, env, m, u(&k), u(&v), 1)), -EEXIST);
    EXPECT_EQ(s(xdp_call(h::kMapUpdateElem, env, m, u(&k), u(&v), 7)), -EINVAL);
    EXPECT_EQ(s(xdp_call(h::kMapDeleteElem, env, m, u(&k))), 0);
    EXPECT_EQ(s(xdp_call(h::kMapDeleteElem, env, m, u(&k))), -ENOENT);
}

TEST(MapHelpers, ProgramCannotWriteSpecialOrFrozenMaps) {
    MapDef ro = def(".rodata", map_type::kArray, 4, 8, 1);
    ro.read_only = true;
    ro.initial_data = {1, 2, 3, 4, 5, 6, 7, 8};
    MapSet maps({ro, def("progs", map_type::kProgArray, 4, 4, 4), def("dev", map_type::kDevmap, 4, 4, 4)});
    ExecEnv env;
    const uint32_t k = 0, v = 1;
    for (size_t i = 0; i < maps.size(); ++i) {
        EXPECT_EQ(s(xdp_call(h::kMapUpdateElem, env, u(&maps.at(i)), u(&k), u(&v), 0)), -EPERM) << i;
        EXPECT_EQ(s(xdp_call(h::kMapDeleteElem, env, u(&maps.at(i)), u(&k))), -EPERM) << i;
    }
    auto* p = reinterpret_cast<uint8_t*>(xdp_call(h::kMapLookupElem, env, u(&maps.at(0)), u(&k)));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p[7], 8);
}

class TailCall : public ::testing::Test {
protected:
    TailCall() : maps_({def("progs", map_type::kProgArray, 4, 4, 4)}) {
        env_.maps = &maps_;
        env_.num_programs = 3;
        const uint32_t k0 = 0, p2 = 2, k1 = 1, p9 = 9;
        EXPECT_EQ(maps_.at(0).update(&k0, &p2, 0), 0);
        EXPECT_EQ(maps_.at(0).update(&k1, &p9, 0), 0);  // no such program
    }
    int64_t tail(uint64_t index) { return s(xdp_call(h::kTailCall, env_, 0, u(&maps_.at(0)), index)); }

    MapSet maps_;
    ExecEnv env_;
};

TEST_F(TailCall, TakenSetsTargetAndCounts) {
    EXPECT_EQ(tail(0), 0);
    EXPECT_EQ(env_.tail_call_target, 2);
    EXPECT_EQ(env_.tail_calls, 1u);
}

TEST_F(TailCall, MissesContinueTheProgram) {
    EXPECT_LT(tail(4), 0) << "out of range";
    EXPECT_EQ(env_.tail_calls, 0u) << "the range check comes before the count";
    EXPECT_LT(tail(2), 0) << "empty slot";
    EXPECT_EQ(env_.tail_calls, 1u) << "the kernel counts before reading the slot";
    EXPECT_LT(tail(1), 0) << "slot names no program of the object";
    EXPECT_EQ(env_.tail_call_target, -1);
    EXPECT_LT(tail((uint64_t{1} << 32) | 7), 0) << "index is a u32: 7 is out of range";
}

TEST_F(TailCall, LimitIs33) {
    for (int i = 0; i < 33; ++i) ASSERT_EQ(tail(0), 0) << i;
    env_.tail_call_target = -1;
    EXPECT_LT(tail(0), 0);
    EXPECT_EQ(env_.tail_call_target, -1);
    EXPECT_EQ(env_.tail_calls, 33u);
    env_.reset_outputs();
    EXPECT_EQ(tail(0), 0);
}

TEST_F(TailCall, NonProgArrayIsRefused) {
    MapSet other({def("a", map_type::kArray, 4, 4, 4)});
    EXPECT_LT(s(xdp_call(h::kTailCall, env_, 0, u(&other.at(0)), 0)), 0);
    EXPECT_EQ(env_.tail_call_target, -1);
}

}  // namespace
}  // namespace bpfnic
