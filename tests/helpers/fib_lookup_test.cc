// SPDX-License-Identifier: MIT
// bpf_fib_lookup over the user-filled FIB: longest-prefix choice, gateway rewrite, MACs, route
// type codes, MTU check, NO_NEIGH / SKIP_NEIGH, BPF_FIB_LOOKUP_SRC, argument errors, IPv6.
#include <arpa/inet.h>
#include <linux/bpf.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/fib.h"
#include "tests/helpers/helper_call.h"

namespace bpfnic {
namespace {

using test::s;
using test::u;

const std::array<uint8_t, 6> kSmac = {0x02, 0, 0, 0, 0, 0x01};
const std::array<uint8_t, 6> kDmac = {0x02, 0, 0, 0, 0, 0x99};

class FibLookup : public ::testing::Test {
protected:
    void SetUp() override {
        fib_.add_v4("10.0.0.0", 8, 2, "", kSmac, kDmac);
        fib_.add_v4("10.1.0.0", 16, 3, "192.168.0.1", kSmac, kDmac, 1500);
        fib_.add_v4("10.2.0.0", 16, 4, "", kSmac, std::nullopt);
        FibRoute bh;
        bh.family = AF_INET;
        inet_pton(AF_INET, "10.3.0.0", bh.prefix.data());
        bh.prefix_len = 16;
        bh.type = FibRoute::Type::Blackhole;
        fib_.add(bh);
        env_.fib = &fib_;
    }
    int64_t lookup(bpf_fib_lookup& p, uint32_t flags = 0, uint32_t plen = sizeof(bpf_fib_lookup)) {
        return s(test::xdp_call(helper_id::kFibLookup, env_, 0, u(&p), plen, flags));
    }
    static bpf_fib_lookup v4(const char* dst, uint16_t tot_len = 100) {
        bpf_fib_lookup p{};
        p.family = AF_INET;
        p.ifindex = 1;
        p.tot_len = tot_len;
        inet_pton(AF_INET, dst, &p.ipv4_dst);
        return p;
    }
    static uint32_t ip(const char* a) {
        uint32_t x;
        inet_pton(AF_INET, a, &x);
        return x;
    }

    Fib fib_;
    ExecEnv env_;
};

TEST_F(FibLookup, LongestPrefixWithGatewayAndMacs) {
    bpf_fib_lookup p = v4("10.1.2.3");
    EXPECT_EQ(lookup(p), fib_ret::kSuccess);
    EXPECT_EQ(p.ifindex, 3u);
    EXPECT_EQ(p.ipv4_dst, ip("192.168.0.1")) << "gateway replaces the destination";
    EXPECT_EQ(std::memcmp(p.smac, kSmac.data(), 6), 0);
    EXPECT_EQ(std::memcmp(p.dmac, kDmac.data(), 6), 0);
    EXPECT_EQ(p.mtu_result, 1500);
    p = v4("10.9.9.9");
    EXPECT_EQ(lookup(p), fib_ret::kSuccess);
    EXPECT_EQ(p.ifindex, 2u);
    EXPECT_EQ(p.ipv4_dst, ip("10.9.9.9")) << "connected route keeps the destination";
}

TEST_F(FibLookup, ResultCodes) {
    bpf_fib_lookup p = v4("11.0.0.1");
    EXPECT_EQ(lookup(p), fib_ret::kNotFwded);
    p = v4("10.3.0.1");
    EXPECT_EQ(lookup(p), fib_ret::kBlackhole);
    p = v4("10.2.0.1");
    EXPECT_EQ(lookup(p), fib_ret::kNoNeigh);
    EXPECT_EQ(p.ifindex, 4u) << "the egress device is reported with NO_NEIGH";
    p = v4("10.2.0.1");
    EXPECT_EQ(lookup(p, BPF_FIB_LOOKUP_SKIP_NEIGH), fib_ret::kSuccess);
    p = v4("10.1.0.1", 1501);
    EXPECT_EQ(lookup(p), fib_ret::kFragNeeded);
    EXPECT_EQ(p.mtu_result, 1500);
    p = v4("10.9.0.1");
    EXPECT_EQ(lookup(p, BPF_FIB_LOOKUP_SRC), fib_ret::kNoSrcAddr);
}

TEST_F(FibLookup, ArgumentErrors) {
    bpf_fib_lookup p = v4("10.9.0.1");
    EXPECT_EQ(lookup(p, 0, sizeof p - 1), -EINVAL);
    EXPECT_EQ(lookup(p, 1u << 7), -EINVAL);
    p.family = 7;
    EXPECT_EQ(lookup(p), -EAFNOSUPPORT);
    ExecEnv no_fib;
    p = v4("10.9.0.1");
    EXPECT_EQ(s(test::xdp_call(helper_id::kFibLookup, no_fib, 0, u(&p), sizeof p, 0)), fib_ret::kNotFwded);
}

TEST_F(FibLookup, Ipv6) {
    FibRoute r;
    r.family = AF_INET6;
    inet_pton(AF_INET6, "2001:db8::", r.prefix.data());
    r.prefix_len = 32;
    r.ifindex = 6;
    r.smac = kSmac;
    r.dmac = kDmac;
    fib_.add(r);
    bpf_fib_lookup p{};
    p.family = AF_INET6;
    inet_pton(AF_INET6, "2001:db8::5", p.ipv6_dst);
    EXPECT_EQ(lookup(p), fib_ret::kSuccess);
    EXPECT_EQ(p.ifindex, 6u);
    inet_pton(AF_INET6, "2001:db9::5", p.ipv6_dst);
    EXPECT_EQ(lookup(p), fib_ret::kNotFwded);
}

TEST(Fib, BadRoutesAreBadInput) {
    Fib f;
    EXPECT_THROW(f.add_v4("10.0.0.300", 8, 1, "", kSmac, kDmac), Error);
    EXPECT_THROW(f.add_v4("10.0.0.0", 33, 1, "", kSmac, kDmac), Error);
    FibRoute r;
    r.family = 3;
    EXPECT_THROW(f.add(r), Error);
}

}  // namespace
}  // namespace bpfnic
