// SPDX-License-Identifier: MIT
// Helper tables: every helper of software_xdp_platform() is implemented, unknown ids are not,
// the conformance table holds only unwind; the deterministic sources (ktime, prandom, cpu id),
// spin locks and unwind.
#include <gtest/gtest.h>

#include "compiler/platform.h"
#include "tests/helpers/helper_call.h"

namespace bpfnic {
namespace {

using test::xdp_call;
namespace h = helper_id;

TEST(HelperTable, EverySoftwarePlatformHelperIsImplemented) {
    const HelperTable& t = xdp_helper_table();
    for (const HelperProto& p : software_xdp_platform().helpers) EXPECT_NE(t.get(p.id), nullptr) << p.name;
    size_t n = 0;
    for (int32_t id = 0; id < HelperTable::kMaxId; ++id)
        if (t.get(id)) {
            ++n;
            EXPECT_NE(software_xdp_platform().find_helper(id), nullptr) << "id " << id << " not in the platform";
        }
    EXPECT_EQ(n, software_xdp_platform().helpers.size());
    EXPECT_EQ(t.get(-1), nullptr);
    EXPECT_EQ(t.get(HelperTable::kMaxId), nullptr);
    EXPECT_EQ(t.get(4), nullptr) << "bpf_probe_read is not a software helper";
}

TEST(HelperTable, ConformanceTableHasOnlyUnwind) {
    const HelperTable& t = conformance_helper_table();
    for (int32_t id = 0; id < HelperTable::kMaxId; ++id)
        EXPECT_EQ(t.get(id) != nullptr, id == h::kConformanceUnwind) << id;
    ExecEnv env;
    EXPECT_EQ(test::call(t, h::kConformanceUnwind, env, 7), 7u);
    EXPECT_FALSE(env.unwind);
    EXPECT_EQ(test::call(t, h::kConformanceUnwind, env, 0), 0u);
    EXPECT_TRUE(env.unwind);
}

TEST(Helpers, KtimeIsDeterministicAndAdvances) {
    ExecEnv env;
    env.ktime_ns = 5000;
    EXPECT_EQ(xdp_call(h::kKtimeGetNs, env), 5000u);
    EXPECT_EQ(xdp_call(h::kKtimeGetBootNs, env), 6000u);
    EXPECT_EQ(xdp_call(h::kKtimeGetNs, env), 7000u);
    EXPECT_EQ(env.ktime_ns, 8000u);
}

TEST(Helpers, PrandomIsXorshift64) {
    ExecEnv a, b;
    a.prandom_state = b.prandom_state = 1;
    // xorshift64 (13, 7, 17) from state 1.
    uint64_t x = 1;
    for (int i = 0; i < 100; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const uint64_t ra = xdp_call(h::kGetPrandomU32, a);
        ASSERT_EQ(ra, static_cast<uint32_t>(x)) << i;
        ASSERT_EQ(xdp_call(h::kGetPrandomU32, b), ra);
    }
    EXPECT_EQ(a.prandom_state, x);
    EXPECT_EQ(xdp_call(h::kGetPrandomU32, a) >> 32, 0u) << "a u32";
}

TEST(Helpers, PrandomLeavesZeroState) {
    ExecEnv env;
    env.prandom_state = 0;
    xdp_call(h::kGetPrandomU32, env);
    EXPECT_NE(env.prandom_state, 0u);
}

TEST(Helpers, SmpProcessorId) {
    ExecEnv env;
    env.cpu_id = 3;
    EXPECT_EQ(xdp_call(h::kGetSmpProcessorId, env), 3u);
}

TEST(Helpers, SpinLockSetsAndClearsTheLockWord) {
    ExecEnv env;
    uint32_t value[4] = {0, 0xdead, 0xbeef, 0};
    xdp_call(h::kSpinLock, env, test::u(&value[0]));
    EXPECT_EQ(value[0], 1u);
    EXPECT_EQ(value[1], 0xdeadu);
    xdp_call(h::kSpinUnlock, env, test::u(&value[0]));
    EXPECT_EQ(value[0], 0u);
}

}  // namespace
}  // namespace bpfnic
