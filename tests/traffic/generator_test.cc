// SPDX-License-Identifier: MIT
// The traffic generator: determinism, valid headers and checksums (checked by an independent
// parser written here), protocol/IP version/VLAN proportions, frame sizes, and spec errors.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "compiler/error.h"
#include "driver/traffic/generator.h"

namespace bpfnic {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// RFC 1071 checksum, written independently of driver/traffic/checksum.cc: over data that includes
// its checksum field, the result is 0.
uint16_t rfc1071(const std::vector<uint8_t>& bytes) {
    uint64_t sum = 0;
    for (size_t i = 0; i < bytes.size(); i += 2)
        sum += (static_cast<uint64_t>(bytes[i]) << 8) | (i + 1 < bytes.size() ? bytes[i + 1] : 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

struct Parsed {
    bool vlan = false, ipv6 = false;
    uint8_t proto = 0;
    uint16_t sport = 0, dport = 0;
};

// Parses a generated frame and checks every length field and checksum; returns what it found.
Parsed check_frame(const std::vector<uint8_t>& f) {
    Parsed out;
    EXPECT_GE(f.size(), 60u);
    size_t off = 12;
    uint16_t type = be16(&f[off]);
    if (type == 0x8100) {
        out.vlan = true;
        const uint16_t vid = be16(&f[off + 2]) & 0x0fff;
        EXPECT_GE(vid, 1);
        EXPECT_LE(vid, 4094);
        off += 4;
        type = be16(&f[off]);
    }
    off += 2;
    std::vector<uint8_t> pseudo;
    size_t l4 = 0, l4_len = 0;
    if (type == 0x0800) {
        EXPECT_EQ(f[off], 0x45);
        EXPECT_EQ(be16(&f[off + 2]), f.size() - off) << "IPv4 total length";
        EXPECT_EQ(rfc1071({f.begin() + off, f.begin() + off + 20}), 0) << "IPv4 header checksum";
        out.proto = f[off + 9];
        l4 = off + 20;
        l4_len = f.size() - l4;
        pseudo.assign(f.begin() + off + 12, f.begin() + off + 20);
        pseudo.insert(pseudo.end(), {0, out.proto, static_cast<uint8_t>(l4_len >> 8), static_cast<uint8_t>(l4_len)});
    } else {
        EXPECT_EQ(type, 0x86dd);
        out.ipv6 = true;
        EXPECT_EQ(f[off] >> 4, 6);
        EXPECT_EQ(be16(&f[off + 4]), f.size() - off - 40) << "IPv6 payload length";
        out.proto = f[off + 6];
        l4 = off + 40;
        l4_len = f.size() - l4;
        pseudo.assign(f.begin() + off + 8, f.begin() + off + 40);
        pseudo.insert(pseudo.end(), {0, 0, static_cast<uint8_t>(l4_len >> 8), static_cast<uint8_t>(l4_len), 0, 0, 0, out.proto});
    }
    std::vector<uint8_t> seg(f.begin() + l4, f.end());
    std::vector<uint8_t> with_pseudo = pseudo;
    with_pseudo.insert(with_pseudo.end(), seg.begin(), seg.end());
    switch (out.proto) {
        case 6:
            EXPECT_EQ(rfc1071(with_pseudo), 0) << "TCP checksum";
            EXPECT_EQ(seg[12] >> 4, 5);
            out.sport = be16(&seg[0]);
            out.dport = be16(&seg[2]);
            break;
        case 17:
            EXPECT_EQ(be16(&seg[4]), l4_len) << "UDP length";
            EXPECT_NE(be16(&seg[6]), 0) << "UDP checksum present";
            EXPECT_EQ(rfc1071(with_pseudo), 0) << "UDP checksum";
            out.sport = be16(&seg[0]);
            out.dport = be16(&seg[2]);
            break;
        case 1:
            EXPECT_FALSE(out.ipv6);
            EXPECT_EQ(seg[0], 8);
            EXPECT_EQ(rfc1071(seg), 0) << "ICMP checksum";
            break;
        case 58:
            EXPECT_TRUE(out.ipv6);
            EXPECT_EQ(seg[0], 128);
            EXPECT_EQ(rfc1071(with_pseudo), 0) << "ICMPv6 checksum";
            break;
        default:
            ADD_FAILURE() << "unexpected IP protocol " << int(out.proto);
    }
    return out;
}

TEST(TrafficGenerator, SameSeedSamePackets) {
    const auto spec = parse_traffic_spec("count=200,seed=42");
    TrafficGenerator a(spec), b(spec);
    for (uint64_t i = 0; i < spec.count; ++i) EXPECT_EQ(a.packet(i).bytes, b.packet(i).bytes) << i;
    // Random access gives the same packet as sequential generation.
    EXPECT_EQ(a.packet(150).bytes, TrafficGenerator(spec).packet(150).bytes);
}

TEST(TrafficGenerator, DifferentSeedDifferentPackets) {
    TrafficGenerator a(parse_traffic_spec("count=50,seed=1")), b(parse_traffic_spec("count=50,seed=2"));
    int same = 0;
    for (uint64_t i = 0; i < 50; ++i) same += a.packet(i).bytes == b.packet(i).bytes;
    EXPECT_EQ(same, 0);
}

TEST(TrafficGenerator, EveryHeaderAndChecksumValid) {
    TrafficGenerator g(parse_traffic_spec("count=3000,ipv6=50,vlan=50,sizes=60-200,flows=64,seed=7"));
    std::set<std::pair<bool, uint8_t>> kinds;
    for (uint64_t i = 0; i < g.count(); ++i) {
        const auto pkt = g.packet(i);
        const Parsed p = check_frame(pkt.bytes);
        EXPECT_EQ(p.vlan, pkt.vlan);
        EXPECT_EQ(p.ipv6, pkt.ipv6);
        kinds.insert({p.ipv6, p.proto});
        if (::testing::Test::HasFailure()) FAIL() << "packet " << i;
    }
    // All six combinations of IP version and protocol appear.
    EXPECT_EQ(kinds.size(), 6u);
}

TEST(TrafficGenerator, MixProportions) {
    TrafficGenerator g(parse_traffic_spec("count=20000,mix=tcp:60/udp:30/icmp:10,ipv6=10,vlan=5,seed=3"));
    std::map<L4Proto, int> protos;
    int v6 = 0, vlan = 0;
    for (uint64_t i = 0; i < g.count(); ++i) {
        const auto pkt = g.packet(i);
        ++protos[pkt.proto];
        v6 += pkt.ipv6;
        vlan += pkt.vlan;
    }
    const double n = static_cast<double>(g.count());
    EXPECT_NEAR(protos[L4Proto::Tcp] / n, 0.60, 0.02);
    EXPECT_NEAR(protos[L4Proto::Udp] / n, 0.30, 0.02);
    EXPECT_NEAR(protos[L4Proto::Icmp] / n, 0.10, 0.02);
    EXPECT_NEAR(v6 / n, 0.10, 0.02);
    EXPECT_NEAR(vlan / n, 0.05, 0.01);
}

TEST(TrafficGenerator, ZeroWeightProtocolNeverAppears) {
    TrafficGenerator g(parse_traffic_spec("count=2000,mix=udp:1,ipv6=0,vlan=0"));
    for (uint64_t i = 0; i < g.count(); ++i) {
        const auto pkt = g.packet(i);
        ASSERT_EQ(pkt.proto, L4Proto::Udp);
        ASSERT_FALSE(pkt.ipv6);
        ASSERT_FALSE(pkt.vlan);
        ASSERT_EQ(be16(&pkt.bytes[12]), 0x0800);
    }
}

TEST(TrafficGenerator, SizesStayInRange) {
    TrafficGenerator g(parse_traffic_spec("count=5000,sizes=100-400,seed=9"));
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint64_t i = 0; i < g.count(); ++i) {
        const auto n = static_cast<uint32_t>(g.packet(i).bytes.size());
        lo = std::min(lo, n);
        hi = std::max(hi, n);
    }
    EXPECT_GE(lo, 100u);
    EXPECT_LE(hi, 400u);
    EXPECT_LT(lo, 110u);  // the range is covered, not just its middle
    EXPECT_GT(hi, 390u);
}

TEST(TrafficGenerator, SmallFramesGrowToTheirHeaders) {
    TrafficGenerator g(parse_traffic_spec("count=500,sizes=60,ipv6=100,vlan=100,mix=tcp:1"));
    for (uint64_t i = 0; i < g.count(); ++i) {
        const auto pkt = g.packet(i);
        ASSERT_EQ(pkt.bytes.size(), 78u);  // 14 + 4 + 40 + 20
        check_frame(pkt.bytes);
    }
    EXPECT_EQ(TrafficGenerator::header_length(L4Proto::Udp, false, false), 42u);
}

TEST(TrafficGenerator, FlowsBoundTheFiveTuples) {
    TrafficGenerator g(parse_traffic_spec("count=4000,flows=4,mix=tcp:1,ipv6=0,vlan=0"));
    std::set<std::vector<uint8_t>> tuples;
    std::set<uint32_t> used;
    for (uint64_t i = 0; i < g.count(); ++i) {
        const auto pkt = g.packet(i);
        used.insert(pkt.flow);
        // addresses (IPv4 header bytes 12..19) and ports (TCP bytes 0..3)
        std::vector<uint8_t> t(pkt.bytes.begin() + 26, pkt.bytes.begin() + 38);
        tuples.insert(t);
    }
    EXPECT_EQ(used.size(), 4u);
    EXPECT_EQ(tuples.size(), 4u);
}

TEST(TrafficSpec, DefaultsAndRoundTrip) {
    const auto d = parse_traffic_spec("");
    EXPECT_EQ(d.count, 1000u);
    EXPECT_EQ(d.to_string(), "count=1000,mix=tcp:60/udp:30/icmp:10,sizes=64-1500,flows=16,ipv6=10,vlan=5,seed=1");
    const auto s = parse_traffic_spec("seed=5,sizes=128,mix=icmp:1/tcp:3,count=7,flows=2,vlan=0,ipv6=100");
    EXPECT_EQ(s.to_string(), "count=7,mix=tcp:3/icmp:1,sizes=128,flows=2,ipv6=100,vlan=0,seed=5");
    EXPECT_EQ(parse_traffic_spec(s.to_string()).to_string(), s.to_string());
}

void expect_spec_error(const std::string& spec, const std::string& msg) {
    try {
        parse_traffic_spec(spec);
        ADD_FAILURE() << "accepted: " << spec;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_EQ(std::string(e.what()), msg);
    }
}

TEST(TrafficSpec, ErrorsNameTheKey) {
    expect_spec_error("count=abc", "traffic spec: key 'count': 'abc' is not a non-negative integer");
    expect_spec_error("count=0", "traffic spec: key 'count': 0 is out of range (1..1000000000)");
    expect_spec_error("colour=red", "traffic spec: unknown key 'colour' (known: count, mix, sizes, flows, ipv6, vlan, seed)");
    expect_spec_error("count", "traffic spec: 'count' is not KEY=VALUE");
    expect_spec_error("seed=1,seed=2", "traffic spec: key 'seed' given twice");
    expect_spec_error("mix=sctp:10", "traffic spec: key 'mix': unknown protocol 'sctp' (known: tcp, udp, icmp)");
    expect_spec_error("mix=tcp:0", "traffic spec: key 'mix': all weights are zero");
    expect_spec_error("mix=tcp", "traffic spec: key 'mix': 'tcp' is not PROTO:WEIGHT");
    expect_spec_error("sizes=500-100", "traffic spec: key 'sizes': minimum 500 is above maximum 100");
    expect_spec_error("sizes=20", "traffic spec: key 'sizes': 20 is out of range (60..9216)");
    expect_spec_error("ipv6=101", "traffic spec: key 'ipv6': 101 is out of range (0..100)");
}

}  // namespace
}  // namespace bpfnic
