// SPDX-License-Identifier: MIT
// The deterministic traffic generator: a seeded flow table, then per packet a PRNG seeded from
// (seed, index) that draws protocol, IP version, VLAN tag, flow, size and payload.
#include "driver/traffic/generator.h"

#include <algorithm>

#include "driver/traffic/checksum.h"

namespace bpfnic {

namespace {

// splitmix64: small, fast, and good enough to spread one seed over many independent streams.
class SplitMix {
public:
    explicit SplitMix(uint64_t seed) : s_(seed) {}
    uint64_t next() {
        uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }

private:
    uint64_t s_;
};

constexpr uint16_t kEthIpv4 = 0x0800, kEthIpv6 = 0x86dd, kEthVlan = 0x8100;
constexpr uint8_t kIpTcp = 6, kIpUdp = 17, kIpIcmp = 1, kIpIcmpv6 = 58;
constexpr uint32_t kEthLen = 14, kVlanLen = 4, kIpv4Len = 20, kIpv6Len = 40, kTcpLen = 20, kUdpLen = 8, kIcmpLen = 8;
// Destination ports drawn for flows: common services, so example firewalls and balancers match.
constexpr uint16_t kServicePorts[] = {80, 443, 53, 22, 8080, 123, 25, 5201};

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}

uint32_t l4_length(L4Proto p) { return p == L4Proto::Tcp ? kTcpLen : p == L4Proto::Udp ? kUdpLen : kIcmpLen; }

uint8_t ip_proto(L4Proto p, bool ipv6) {
    switch (p) {
        case L4Proto::Tcp: return kIpTcp;
        case L4Proto::Udp: return kIpUdp;
        case L4Proto::Icmp: return ipv6 ? kIpIcmpv6 : kIpIcmp;
    }
    return 0;
}

}  // namespace

uint32_t TrafficGenerator::header_length(L4Proto proto, bool ipv6, bool vlan) {
    return kEthLen + (vlan ? kVlanLen : 0) + (ipv6 ? kIpv6Len : kIpv4Len) + l4_length(proto);
}

TrafficGenerator::TrafficGenerator(const TrafficSpec& spec) : spec_(spec) {
    SplitMix rng(spec.seed ^ 0x5eed'f10e'0000'0000ull);
    flows_.resize(spec.flows);
    for (uint32_t f = 0; f < spec.flows; ++f) {
        Flow& fl = flows_[f];
        // Locally administered unicast MACs: 02:xx:... for sources, 06:xx:... for destinations.
        fl.src_mac = {0x02, 0x00, static_cast<uint8_t>(f >> 8), static_cast<uint8_t>(f), 0x00, 0x01};
        fl.dst_mac = {0x06, 0x00, static_cast<uint8_t>(rng.below(256)), static_cast<uint8_t>(rng.below(256)), 0x00, 0x02};
        // Sources in 10.0.0.0/8, destinations in 192.168.0.0/16.
        const uint64_t r = rng.next();
        fl.src_ip4 = {10, static_cast<uint8_t>(r), static_cast<uint8_t>(r >> 8), static_cast<uint8_t>(1 + (r >> 16) % 254)};
        fl.dst_ip4 = {192, 168, static_cast<uint8_t>(r >> 24), static_cast<uint8_t>(1 + (r >> 32) % 254)};
        // Sources in fd00:0:0:1::/64, destinations in fd00:0:0:2::/64 (unique local addresses).
        fl.src_ip6 = {0xfd, 0, 0, 0, 0, 0, 0, 1};
        fl.dst_ip6 = {0xfd, 0, 0, 0, 0, 0, 0, 2};
        const uint64_t a = rng.next(), b = rng.next();
        for (int i = 0; i < 8; ++i) {
            fl.src_ip6[8 + i] = static_cast<uint8_t>(a >> (8 * i));
            fl.dst_ip6[8 + i] = static_cast<uint8_t>(b >> (8 * i));
        }
        fl.src_port = static_cast<uint16_t>(1024 + rng.below(65536 - 1024));
        fl.dst_port = kServicePorts[rng.below(std::size(kServicePorts))];
        fl.vlan_id = static_cast<uint16_t>(1 + rng.below(4094));
        fl.flow_label = static_cast<uint32_t>(rng.below(1u << 20));
    }
}

GeneratedPacket TrafficGenerator::packet(uint64_t index) const {
    SplitMix rng(spec_.seed * 0x9e3779b97f4a7c15ull + index * 0xd1b54a32d192ed03ull + 1);
    GeneratedPacket pkt;
    const uint64_t total = uint64_t{spec_.weight_tcp} + spec_.weight_udp + spec_.weight_icmp;
    const uint64_t pick = rng.below(total);
    pkt.proto = pick < spec_.weight_tcp                    ? L4Proto::Tcp
                : pick < spec_.weight_tcp + spec_.weight_udp ? L4Proto::Udp
                                                             : L4Proto::Icmp;
    pkt.ipv6 = rng.below(100) < spec_.ipv6_percent;
    pkt.vlan = rng.below(100) < spec_.vlan_percent;
    pkt.flow = static_cast<uint32_t>(rng.below(flows_.size()));
    const uint32_t drawn = spec_.size_min + static_cast<uint32_t>(rng.below(uint64_t{spec_.size_max} - spec_.size_min + 1));
    const uint32_t len = std::max(drawn, header_length(pkt.proto, pkt.ipv6, pkt.vlan));
    const Flow& fl = flows_[pkt.flow];

    auto& b = pkt.bytes;
    b.assign(len, 0);
    uint8_t* p = b.data();
    std::copy(fl.dst_mac.begin(), fl.dst_mac.end(), p);
    std::copy(fl.src_mac.begin(), fl.src_mac.end(), p + 6);
    uint32_t off = 12;
    if (pkt.vlan) {
        put16(p + off, kEthVlan);
        put16(p + off + 2, static_cast<uint16_t>((rng.below(8) << 13) | fl.vlan_id));
        off += 4;
    }
    put16(p + off, pkt.ipv6 ? kEthIpv6 : kEthIpv4);
    off += 2;

    const uint32_t ip_off = off;
    const uint32_t l4_off = ip_off + (pkt.ipv6 ? kIpv6Len : kIpv4Len);
    const uint32_t l4_len = len - l4_off;
    const uint8_t proto = ip_proto(pkt.proto, pkt.ipv6);

    // Payload first (random bytes), then the headers over it.
    const uint32_t payload_off = l4_off + l4_length(pkt.proto);
    for (uint32_t i = payload_off; i < len; i += 8) {
        const uint64_t r = rng.next();
        for (uint32_t k = 0; k < 8 && i + k < len; ++k) p[i + k] = static_cast<uint8_t>(r >> (8 * k));
    }

    uint32_t pseudo;
    if (pkt.ipv6) {
        uint8_t* ip = p + ip_off;
        put32(ip, (6u << 28) | fl.flow_label);
        put16(ip + 4, static_cast<uint16_t>(l4_len));
        ip[6] = proto;
        ip[7] = 64;
        std::copy(fl.src_ip6.begin(), fl.src_ip6.end(), ip + 8);
        std::copy(fl.dst_ip6.begin(), fl.dst_ip6.end(), ip + 24);
        pseudo = pseudo_sum_v6(ip + 8, ip + 24, proto, l4_len);
    } else {
        uint8_t* ip = p + ip_off;
        ip[0] = 0x45;
        put16(ip + 2, static_cast<uint16_t>(len - ip_off));
        put16(ip + 4, static_cast<uint16_t>(index));
        put16(ip + 6, 0x4000);  // don't fragment
        ip[8] = 64;
        ip[9] = proto;
        std::copy(fl.src_ip4.begin(), fl.src_ip4.end(), ip + 12);
        std::copy(fl.dst_ip4.begin(), fl.dst_ip4.end(), ip + 16);
        put16(ip + 10, csum_fold(csum_add(0, {ip, kIpv4Len})));
        pseudo = pseudo_sum_v4(ip + 12, ip + 16, proto, l4_len);
    }

    uint8_t* l4 = p + l4_off;
    switch (pkt.proto) {
        case L4Proto::Tcp: {
            put16(l4, fl.src_port);
            put16(l4 + 2, fl.dst_port);
            put32(l4 + 4, static_cast<uint32_t>(rng.next()));  // sequence number
            const bool syn = rng.below(20) == 0;                // one packet in twenty opens a connection
            put32(l4 + 8, syn ? 0 : static_cast<uint32_t>(rng.next()));
            l4[12] = 5 << 4;                 // data offset: 5 words
            l4[13] = syn ? 0x02 : 0x18;      // SYN, or PSH|ACK
            put16(l4 + 14, 65535);           // window
            put16(l4 + 16, csum_fold(csum_add(pseudo, {l4, l4_len})));
            break;
        }
        case L4Proto::Udp: {
            put16(l4, fl.src_port);
            put16(l4 + 2, fl.dst_port);
            put16(l4 + 4, static_cast<uint16_t>(l4_len));
            uint16_t c = csum_fold(csum_add(pseudo, {l4, l4_len}));
            put16(l4 + 6, c == 0 ? 0xffff : c);  // zero means "no checksum" in UDP
            break;
        }
        case L4Proto::Icmp: {
            l4[0] = pkt.ipv6 ? 128 : 8;  // echo request
            put16(l4 + 4, fl.src_port);  // identifier
            put16(l4 + 6, static_cast<uint16_t>(index));
            // ICMPv4 covers the message only; ICMPv6 adds the pseudo-header.
            put16(l4 + 2, csum_fold(csum_add(pkt.ipv6 ? pseudo : 0, {l4, l4_len})));
            break;
        }
    }
    return pkt;
}

}  // namespace bpfnic
