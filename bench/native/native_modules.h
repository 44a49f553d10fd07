// SPDX-License-Identifier: MIT
// The example IO modules written natively in C++: the same logic as examples/<name>.c, compiled by
// the host compiler, reading and writing the same Map objects (arrays through their storage, as
// the JIT's inline lookups do). They are the physical floor the JIT is measured against.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/exec_env.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"
#include "driver/xdp_buff.h"

namespace bpfnic::bench {

class NativeModule {
public:
    virtual ~NativeModule() = default;
    /// Finds the module's maps (by name) in a MapSet built from obj.maps.
    virtual void bind(MapSet& maps, const Object& obj) = 0;
    /// Processes the packet in buff and returns the XDP verdict; helpers the module calls (as the
    /// program would) get env.
    virtual uint32_t run(XdpBuff& buff, ExecEnv& env) = 0;
};

/// The native version of examples/<name>.c, or nullptr when there is none.
std::unique_ptr<NativeModule> make_native_module(const std::string& name);
std::unique_ptr<NativeModule> make_native_firewall();
std::unique_ptr<NativeModule> make_native_router();
std::unique_ptr<NativeModule> make_native_adjust_tail();
std::unique_ptr<NativeModule> make_native_tunnel();
std::unique_ptr<NativeModule> make_native_katran();

/// Host-side map contents a module needs for its main path, built for the bench's traffic flows
/// (router: a default route and its egress port; tx_ip_tunnel: tunnels for half of the flows'
/// services; katran_lb: VIPs, rings, reals and the gateway); nothing for the others. Applied to
/// every engine's maps alike.
void setup_module_maps(const std::string& name, MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows);
void setup_router_maps(MapSet& maps);
void setup_tunnel_maps(MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows);
void setup_katran_maps(MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows);

/// The map called name; throws bpfnic::Error (NotFound) when the object has none.
Map& find_map(MapSet& maps, const std::string& name);

// Shared parsing, mirroring examples/xdp_common.h.
namespace native {

inline uint16_t load_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

/// Ethernet (up to two VLAN tags) then the IP protocol number, as xdp1's ip_protocol(); sets
/// *eth_ok false when even the Ethernet header does not fit.
inline uint32_t ip_protocol(const uint8_t* data, const uint8_t* end, bool* eth_ok) {
    const uint8_t* pos = data;
    *eth_ok = pos + 14 <= end;
    if (!*eth_ok) return 0;
    uint16_t proto = load_be16(pos + 12);
    pos += 14;
    for (int i = 0; i < 2; ++i) {
        if (proto != 0x8100 && proto != 0x88a8) break;
        if (pos + 4 > end) return 0;  // parse error: as a negative proto, not IPv4/IPv6
        proto = load_be16(pos + 2);
        pos += 4;
    }
    if (proto == 0x0800) {
        if (pos + 20 > end) return 0;
        const int hdr = (pos[0] & 0xf) * 4;
        if (hdr < 20 || pos + hdr > end) return 0;
        return pos[9];
    }
    if (proto == 0x86dd) {
        if (pos + 40 > end) return 0;
        return pos[6];
    }
    return 0;
}

/// A 32-bit one's complement sum folded to 16 bits and complemented (xdp_common.h's csum_fold).
inline uint16_t csum_fold(uint32_t sum) {
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

/// Sum of n 16-bit words in host (little-endian) order, as the programs' unrolled loops add them.
inline uint32_t sum_words(const uint8_t* p, int n) {
    uint32_t sum = 0;
    for (int i = 0; i < n; ++i) {
        uint16_t w;
        std::memcpy(&w, p + 2 * i, 2);
        sum += w;
    }
    return sum;
}

/// xdp_common.h's ipv4_hdr_csum: clears the checksum field of the 20-byte header at iph and
/// stores the header's checksum there.
inline void set_ipv4_csum(uint8_t* iph) {
    iph[10] = iph[11] = 0;
    const uint16_t c = csum_fold(sum_words(iph, 10));
    std::memcpy(iph + 10, &c, 2);
}

/// A fresh 20-byte IPv4 header without options (version 4, ihl 5, tos 0, id 0, frag_off 0):
/// total length (host order, truncated to 16 bits), ttl, protocol, addresses as stored in
/// network order, then its checksum.
inline void write_ipv4_header(uint8_t* iph, uint32_t tot_len, uint8_t ttl, uint8_t protocol, uint32_t saddr,
                              uint32_t daddr) {
    iph[0] = 0x45;
    iph[1] = 0;
    iph[2] = static_cast<uint8_t>(tot_len >> 8);
    iph[3] = static_cast<uint8_t>(tot_len);
    iph[4] = iph[5] = iph[6] = iph[7] = 0;
    iph[8] = ttl;
    iph[9] = protocol;
    std::memcpy(iph + 12, &saddr, 4);
    std::memcpy(iph + 16, &daddr, 4);
    set_ipv4_csum(iph);
}

inline void swap_macs(uint8_t* eth) {
    uint8_t tmp[6];
    for (int i = 0; i < 6; ++i) tmp[i] = eth[6 + i];
    for (int i = 0; i < 6; ++i) eth[6 + i] = eth[i];
    for (int i = 0; i < 6; ++i) eth[i] = tmp[i];
}

}  // namespace native
}  // namespace bpfnic::bench
