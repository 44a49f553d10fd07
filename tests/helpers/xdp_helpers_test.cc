// SPDX-License-Identifier: MIT
// The XDP helpers through the table: adjust_head/tail/meta, load/store bytes (the kernel's
// -EFAULT / -EINVAL bounds), get_buff_len, redirect, redirect_map against each redirect map
// type, and perf_event_output with and without packet samples.
#include <gtest/gtest.h>

#include <cerrno>
#include <numeric>

#include "compiler/platform.h"
#include "driver/maps.h"
#include "tests/helpers/helper_call.h"

namespace bpfnic {
namespace {

using test::s;
using test::u;
using test::xdp_call;
namespace h = helper_id;

constexpr uint64_t kCurrentCpu = 0xffffffffull;

class XdpHelpers : public ::testing::Test {
protected:
    void SetUp() override {
        std::vector<uint8_t> pkt(64);
        std::iota(pkt.begin(), pkt.end(), uint8_t{0});
        buf_.reset(pkt);
        env_.xdp = &buf_;
        env_.maps = &maps_;
    }
    uint64_t ctx() { return u(buf_.md()); }

    XdpBuff buf_;
    MapSet maps_;
    ExecEnv env_;
};

TEST_F(XdpHelpers, AdjustHelpersUseTheBuffer) {
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustHead, env_, ctx(), static_cast<uint64_t>(-216))), 0);
    EXPECT_EQ(xdp_call(h::kXdpGetBuffLen, env_, ctx()), 280u);
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustHead, env_, ctx(), static_cast<uint64_t>(-1))), -EINVAL);
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustHead, env_, ctx(), 216)), 0);
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustMeta, env_, ctx(), static_cast<uint64_t>(-6))), -EACCES);
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustMeta, env_, ctx(), static_cast<uint64_t>(-8))), 0);
    EXPECT_EQ(buf_.md()->data - buf_.md()->data_meta, 8u);
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustTail, env_, ctx(), static_cast<uint64_t>(-50))), 0);
    EXPECT_EQ(xdp_call(h::kXdpGetBuffLen, env_, ctx()), 14u);
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustTail, env_, ctx(), static_cast<uint64_t>(-1))), -EINVAL);
}

TEST_F(XdpHelpers, PacketHelpersWithoutBufferFail) {
    ExecEnv raw;
    EXPECT_EQ(s(xdp_call(h::kXdpAdjustHead, raw, 0, 0)), -EINVAL);
    uint8_t b[4];
    EXPECT_EQ(s(xdp_call(h::kXdpLoadBytes, raw, 0, 0, u(b), 4)), -EINVAL);
}

TEST_F(XdpHelpers, LoadAndStoreBytesBounds) {
    uint8_t out[16] = {};
    EXPECT_EQ(s(xdp_call(h::kXdpLoadBytes, env_, ctx(), 48, u(out), 16)), 0);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], 48 + i);
    EXPECT_EQ(s(xdp_call(h::kXdpLoadBytes, env_, ctx(), 49, u(out), 16)), -EINVAL);
    EXPECT_EQ(s(xdp_call(h::kXdpLoadBytes, env_, ctx(), 0x10000, u(out), 1)), -EFAULT);
    EXPECT_EQ(s(xdp_call(h::kXdpLoadBytes, env_, ctx(), 0, u(out), 0x10000)), -EFAULT);
    // The offset is a u32: the upper register half is ignored.
    EXPECT_EQ(s(xdp_call(h::kXdpLoadBytes, env_, ctx(), (uint64_t{1} << 32) | 2, u(out), 1)), 0);
    EXPECT_EQ(out[0], 2);
    const uint8_t in[3] = {0xaa, 0xbb, 0xcc};
    EXPECT_EQ(s(xdp_call(h::kXdpStoreBytes, env_, ctx(), 61, u(in), 3)), 0);
    EXPECT_EQ(buf_.data()[61], 0xaa);
    EXPECT_EQ(buf_.data()[63], 0xcc);
    EXPECT_EQ(s(xdp_call(h::kXdpStoreBytes, env_, ctx(), 62, u(in), 3)), -EINVAL);
    EXPECT_EQ(buf_.data()[62], 0xbb) << "a refused store writes nothing";
}

TEST_F(XdpHelpers, RedirectRecordsIfindexAndRefusesFlags) {
    EXPECT_EQ(xdp_call(h::kRedirect, env_, 5, 0), 4u);
    EXPECT_EQ(env_.redirect.kind, RedirectTarget::Kind::Ifindex);
    EXPECT_EQ(env_.redirect.ifindex, 5u);
    EXPECT_EQ(xdp_call(h::kRedirect, env_, 5, 1), 0u) << "XDP_ABORTED";
}

MapDef def(const char* name, uint32_t type, uint32_t vsize, uint32_t max = 8) {
    MapDef d;
    d.name = name;
    d.type = type;
    d.key_size = 4;
    d.value_size = vsize;
    d.max_entries = max;
    return d;
}

TEST(RedirectMapHelper, DevmapCpumapXskmapAndMisses) {
    MapSet maps({def("dev", map_type::kDevmap, 4), def("cpu", map_type::kCpumap, 4),
                 def("xsk", map_type::kXskmap, 4), def("devh", map_type::kDevmapHash, 8), def("arr", map_type::kArray, 4)});
    ExecEnv env;
    env.maps = &maps;
    const uint32_t k1 = 1, k2 = 2, ifindex = 9, qsize = 64, sock = 77;
    ASSERT_EQ(maps.at(0).update(&k1, &ifindex, 0), 0);
    ASSERT_EQ(maps.at(1).update(&k2, &qsize, 0), 0);
    ASSERT_EQ(maps.at(2).update(&k1, &sock, 0), 0);
    const uint32_t hv[2] = {11, 0};
    const uint32_t hk = 1000;
    ASSERT_EQ(maps.at(3).update(&hk, hv, 0), 0);

    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), 1, 0), 4u);
    EXPECT_EQ(env.redirect, (RedirectTarget{RedirectTarget::Kind::Map, 9, 0, 1, 0}));
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(1)), 2, 0), 4u);
    EXPECT_EQ(env.redirect, (RedirectTarget{RedirectTarget::Kind::Map, 2, 1, 2, 0}));
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(2)), 1, 0), 4u);
    EXPECT_EQ(env.redirect, (RedirectTarget{RedirectTarget::Kind::Map, 77, 2, 1, 0}));
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(3)), 1000, 0), 4u);
    EXPECT_EQ(env.redirect.ifindex, 11u);

    // Misses return the action in the low bits of flags and clear the target.
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), 3, 2), 2u) << "XDP_PASS";
    EXPECT_EQ(env.redirect.kind, RedirectTarget::Kind::None);
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), 3, 1), 1u) << "XDP_DROP";
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), 100, 0), 0u) << "out of range";
    // Unknown flags abort; broadcast is a devmap flag only.
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), 1, 4), 0u);
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), 3, 8), 4u) << "broadcast never misses";
    EXPECT_EQ(env.redirect.flags, 8u);
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(1)), 2, 8), 0u);
    // The key is a u32.
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(0)), (uint64_t{1} << 32) | 1, 0), 4u);
    // Not a redirect map.
    EXPECT_EQ(xdp_call(helper_id::kRedirectMap, env, u(&maps.at(4)), 0, 2), 0u);
}

TEST_F(XdpHelpers, PerfEventOutputRecordsSampleAndPacket) {
    MapSet maps({def("arr", map_type::kArray, 4), def("events", map_type::kPerfEventArray, 4, 4)});
    env_.maps = &maps;
    env_.cpu_id = 2;
    const uint64_t events = u(&maps.at(1));
    const uint8_t sample[5] = {1, 2, 3, 4, 5};
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, kCurrentCpu, u(sample), 5)), 0);
    ASSERT_EQ(env_.perf.size(), 1u);
    EXPECT_EQ(env_.perf[0], (PerfRecord{1, kCurrentCpu, {1, 2, 3, 4, 5}}));
    const uint64_t with_pkt = (uint64_t{4} << 32) | 1;
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, with_pkt, u(sample), 2)), 0);
    ASSERT_EQ(env_.perf.size(), 2u);
    EXPECT_EQ(env_.perf[1].data, (std::vector<uint8_t>{1, 2, 0, 1, 2, 3}));
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, uint64_t{65} << 32, u(sample), 1)), -EFAULT);
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, 4, u(sample), 1)), -E2BIG);
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, uint64_t{1} << 63, u(sample), 1)), -EINVAL);
    const uint32_t slot = 3;
    ASSERT_EQ(maps.at(1).erase(&slot), 0);
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, 3, u(sample), 1)), -ENOENT);
    ASSERT_EQ(maps.at(1).update(&slot, &slot, 0), 0);
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), events, 3, u(sample), 1)), 0);
    EXPECT_EQ(env_.perf.size(), 3u);
    EXPECT_EQ(s(xdp_call(h::kPerfEventOutput, env_, ctx(), u(&maps.at(0)), 0, u(sample), 1)), -EINVAL);
}

}  // namespace
}  // namespace bpfnic
