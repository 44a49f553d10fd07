// SPDX-License-Identifier: MIT
// A deterministic traffic generator: Ethernet frames (optionally 802.1Q-tagged) carrying IPv4 or
// IPv6 with TCP, UDP or ICMP/ICMPv6, every checksum correct. Packet i depends only on the spec
// (its seed included) and i, so the same spec always gives the same packets, in any order.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "driver/traffic/spec.h"

namespace bpfnic {

struct GeneratedPacket {
    std::vector<uint8_t> bytes;  ///< the frame, from the destination MAC on (no FCS)
    L4Proto proto = L4Proto::Tcp;
    bool ipv6 = false;
    bool vlan = false;
    uint32_t flow = 0;  ///< index into the flow table
};

class TrafficGenerator {
public:
    /// One endpoint pair: a packet of flow f uses f's addresses of its IP version, f's ports (ICMP:
    /// f's source port as the echo identifier) and, when tagged, f's VLAN id.
    struct Flow {
        std::array<uint8_t, 6> src_mac, dst_mac;
        std::array<uint8_t, 4> src_ip4, dst_ip4;
        std::array<uint8_t, 16> src_ip6, dst_ip6;
        uint16_t src_port, dst_port;
        uint16_t vlan_id;      ///< 1..4094
        uint32_t flow_label;   ///< IPv6 flow label (20 bits)
    };

    explicit TrafficGenerator(const TrafficSpec& spec);

    const TrafficSpec& spec() const { return spec_; }
    uint64_t count() const { return spec_.count; }
    const std::vector<Flow>& flows() const { return flows_; }

    /// Packet number index (0 <= index < count()).
    GeneratedPacket packet(uint64_t index) const;

    /// Header bytes (Ethernet, VLAN tag, IP, L4) of a packet of that kind: frames are at least this
    /// long, whatever the size range says.
    static uint32_t header_length(L4Proto proto, bool ipv6, bool vlan);

private:
    TrafficSpec spec_;
    std::vector<Flow> flows_;
};

}  // namespace bpfnic
