// SPDX-License-Identifier: MIT
// The traffic generator's specification: what a spec string such as
// "count=1000,mix=tcp:60/udp:30/icmp:10,sizes=64-1500,flows=16,ipv6=10,vlan=5,seed=42" means, and
// its parser. The grammar is documented in docs/cli.md.
#pragma once

#include <cstdint>
#include <string>

namespace bpfnic {

enum class L4Proto : uint8_t { Tcp, Udp, Icmp };
const char* l4_proto_name(L4Proto p);

struct TrafficSpec {
    uint64_t count = 1000;       ///< packets
    uint32_t weight_tcp = 60;    ///< relative weights of the protocol mix
    uint32_t weight_udp = 30;
    uint32_t weight_icmp = 10;
    uint32_t size_min = 64;      ///< frame length range in bytes (Ethernet header on, no FCS)
    uint32_t size_max = 1500;
    uint32_t flows = 16;         ///< distinct endpoint pairs (addresses, ports, VLAN id)
    uint32_t ipv6_percent = 10;  ///< share of IPv6 packets
    uint32_t vlan_percent = 5;   ///< share of packets with an 802.1Q tag
    uint64_t seed = 1;

    /// The canonical spec string (every key, fixed order); parsing it gives the same spec.
    std::string to_string() const;
};

inline constexpr uint32_t kTrafficMinSize = 60;    ///< smallest Ethernet frame without FCS
inline constexpr uint32_t kTrafficMaxSize = 9216;  ///< XdpBuff::kMaxPacket
inline constexpr uint64_t kTrafficMaxCount = 1000000000;
inline constexpr uint32_t kTrafficMaxFlows = 65536;

/// Parses "key=value,key=value,..." (keys in any order, each at most once, missing keys keep their
/// defaults; an empty string is the default spec). Throws bpfnic::Error (BadInput) with a message
/// starting "traffic spec: " and naming the key at fault.
TrafficSpec parse_traffic_spec(const std::string& text);

}  // namespace bpfnic
