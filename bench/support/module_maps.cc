// SPDX-License-Identifier: MIT
// Map contents per example module (struct layouts as in examples/*.c).
#include "bench/support/module_maps.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "compiler/error.h"

namespace bpfnic::bench {

namespace {

constexpr uint8_t kTcp = 6, kUdp = 17;

Map& map_named(const Object& obj, MapSet& maps, const std::string& name) {
    const int i = obj.find_map(name);
    if (i < 0) throw Error(ErrorKind::NotFound, obj.path + ": no map " + name);
    return maps.at(static_cast<size_t>(i));
}

template <class K, class V>
void put(Map& m, const K& key, const V& value) {
    if (m.def().key_size != sizeof(K) || m.def().value_size != sizeof(V))
        throw Error(ErrorKind::BadInput, "map " + m.def().name + ": key or value size is not the example's");
    if (int e = m.update(&key, &value, 0); e != 0)
        throw Error(ErrorKind::Internal, "map " + m.def().name + ": update failed (" + std::to_string(e) + ")");
}

// Big-endian 16-bit value as it sits in a header.
uint16_t be16(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }
uint32_t ip(const std::array<uint8_t, 4>& a) {
    uint32_t v;
    std::memcpy(&v, a.data(), 4);
    return v;
}
uint32_t ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return ip(std::array<uint8_t, 4>{a, b, c, d}); }

// tx_ip_tunnel: struct vip {daddr, dport, protocol, pad} -> struct tunnel {saddr, daddr, dmac, pad}.
struct TunnelVip {
    uint32_t daddr;
    uint16_t dport;
    uint8_t protocol, pad;
};
struct Tunnel {
    uint32_t saddr, daddr;
    uint8_t dmac[6], pad[2];
};

std::string fill_tunnel(const Object& obj, MapSet& maps, const TrafficGenerator& gen) {
    Map& vips = map_named(obj, maps, "vip2tnl");
    unsigned n = 0;
    for (size_t f = 0; f < gen.flows().size(); f += 2) {
        const auto& fl = gen.flows()[f];
        const Tunnel t{ip(192, 0, 2, 1), ip(198, 51, 100, static_cast<uint8_t>(1 + f % 250)), {2, 0, 0, 0, 0, 1}, {}};
        for (uint8_t proto : {kTcp, kUdp}) {
            put(vips, TunnelVip{ip(fl.dst_ip4), be16(fl.dst_port), proto, 0}, t);
            ++n;
        }
    }
    return "vip2tnl: " + std::to_string(n) + " VIPs (every other flow, TCP and UDP)";
}

// katran_lb: vip_map, ch_rings, reals, ctl_array.
struct KatranVip {
    uint32_t vip;
    uint16_t port;
    uint8_t protocol, pad;
};
struct KatranMeta {
    uint32_t flags, vip_num;
};
struct KatranReal {
    uint32_t dst, flags;
};
struct KatranCtl {
    uint8_t mac[6], pad[2];
};
constexpr uint32_t kKatranVips = 16, kKatranRing = 1031, kKatranReals = 8;

std::string fill_katran(const Object& obj, MapSet& maps, const TrafficGenerator& gen) {
    Map& vip_map = map_named(obj, maps, "vip_map");
    Map& rings = map_named(obj, maps, "ch_rings");
    Map& reals = map_named(obj, maps, "reals");
    Map& ctl = map_named(obj, maps, "ctl_array");
    unsigned n = 0;
    // One flow in four (the VIP table holds kKatranVips entries), TCP and UDP.
    for (size_t f = 0; f < gen.flows().size() && n + 2 <= kKatranVips; f += 4) {
        const auto& fl = gen.flows()[f];
        for (uint8_t proto : {kTcp, kUdp}) {
            put(vip_map, KatranVip{ip(fl.dst_ip4), 0, proto, 0}, KatranMeta{0, static_cast<uint32_t>(n % kKatranVips)});
            ++n;
        }
    }
    for (uint32_t s = 0; s < kKatranVips * kKatranRing; ++s) put(rings, s, static_cast<uint32_t>(s % kKatranReals));
    for (uint32_t r = 0; r < kKatranReals; ++r) put(reals, r, KatranReal{ip(10, 0, 0, static_cast<uint8_t>(r + 1)), 0});
    put(ctl, uint32_t{0}, KatranCtl{{2, 0, 0, 0, 0, 0xfe}, {}});
    return "vip_map: " + std::to_string(n) + " VIPs (one flow in four, any port, TCP and UDP); " +
           std::to_string(kKatranReals) + " reals on every ring";
}

// router_ipv4: routes (LPM {prefixlen, addr} -> {port, src_mac, dst_mac}) and tx_ports.
struct RouteKey {
    uint32_t prefixlen, addr;
};
struct Route {
    uint32_t port;
    uint8_t src_mac[6], dst_mac[6];
};

std::string fill_router(const Object& obj, MapSet& maps, const TrafficGenerator& gen) {
    Map& routes = map_named(obj, maps, "routes");
    Map& ports = map_named(obj, maps, "tx_ports");
    for (uint32_t p = 0; p < 4; ++p) put(ports, p, p + 2);  // egress slots -> ifindex 2..5
    put(routes, RouteKey{16, ip(192, 168, 0, 0)}, Route{0, {2, 0, 0, 0, 1, 0}, {2, 0, 0, 0, 2, 0}});
    unsigned n = 1;
    for (size_t f = 0; f < gen.flows().size(); f += 2) {
        auto a = gen.flows()[f].dst_ip4;
        a[3] = 0;
        put(routes, RouteKey{24, ip(a)}, Route{static_cast<uint32_t>(1 + f % 3), {2, 0, 0, 0, 1, 1}, {2, 0, 0, 0, 2, 1}});
        ++n;
    }
    return "routes: " + std::to_string(n) + " (192.168.0.0/16 and the /24 of every other flow)";
}

}  // namespace

std::string fill_module_maps(const std::string& module, const Object& obj, MapSet& maps, const TrafficGenerator& gen) {
    if (module == "tx_ip_tunnel") return fill_tunnel(obj, maps, gen);
    if (module == "katran_lb") return fill_katran(obj, maps, gen);
    if (module == "router_ipv4") return fill_router(obj, maps, gen);
    return "";
}

}  // namespace bpfnic::bench
