// SPDX-License-Identifier: MIT
// The example IO modules written natively in C++: the same logic as examples/<name>.c, compiled by
// the host compiler, reading and writing the same Map objects (arrays through their storage, as
// the JIT's inline lookups do). They are the physical floor the JIT is measured against.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "compiler/program.h"
#include "driver/exec_env.h"
#include "driver/maps.h"
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

/// Host-side map contents a module needs for its main path (router: a default route and its
/// egress port); nothing for the others. Applied to every engine's maps alike.
void setup_module_maps(const std::string& name, MapSet& maps);

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

inline void swap_macs(uint8_t* eth) {
    uint8_t tmp[6];
    for (int i = 0; i < 6; ++i) tmp[i] = eth[6 + i];
    for (int i = 0; i < 6; ++i) eth[6 + i] = eth[i];
    for (int i = 0; i < 6; ++i) eth[i] = tmp[i];
}

}  // namespace native
}  // namespace bpfnic::bench
