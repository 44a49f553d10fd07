// SPDX-License-Identifier: MIT
// Native router_ipv4 (examples/router_ipv4.c): LPM route lookup in the same trie, MAC rewrite,
// TTL decrement with the incremental checksum, per-port counter, and the same bpf_redirect_map
// helper the program calls. Also the bench's route setup for it.
#include <cstring>

#include "bench/native/native_modules.h"
#include "compiler/platform.h"

namespace bpfnic::bench {

namespace {

struct RouteKey {
    uint32_t prefixlen;
    uint32_t addr;
};
struct Route {
    uint32_t port;
    uint8_t src_mac[6];
    uint8_t dst_mac[6];
};

class RouterIpv4 final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        routes_ = &find_map(maps, "routes");
        tx_ports_ = &find_map(maps, "tx_ports");
        Map& fwd = find_map(maps, "forwarded");
        forwarded_ = reinterpret_cast<uint64_t*>(fwd.array_base());
        ports_ = fwd.def().max_entries;
        redirect_map_ = xdp_helper_table().get(helper_id::kRedirectMap);
    }

    uint32_t run(XdpBuff& buff, ExecEnv& env) override {
        uint8_t* data = buff.data();
        const uint8_t* end = buff.data_end();
        uint8_t* pos = data;
        int proto = -1;
        if (pos + 14 <= end) {
            proto = native::load_be16(pos + 12);
            pos += 14;
            for (int i = 0; i < 2; ++i) {
                if (proto != 0x8100 && proto != 0x88a8) break;
                if (pos + 4 > end) {
                    proto = -1;
                    break;
                }
                proto = native::load_be16(pos + 2);
                pos += 4;
            }
        }
        if (proto != 0x0800) return 2;  // XDP_PASS
        uint8_t* iph = pos;
        if (iph + 20 > end) return 1;
        const int hdr = (iph[0] & 0xf) * 4;
        if (hdr < 20 || iph + hdr > end) return 1;
        if (iph[8] <= 1) return 2;  // ttl
        RouteKey key{32, 0};
        std::memcpy(&key.addr, iph + 16, 4);
        const auto* rt = static_cast<const Route*>(routes_->lookup(&key));
        if (!rt) return 1;  // XDP_DROP
        const uint32_t port = rt->port;
        std::memcpy(data, rt->dst_mac, 6);
        std::memcpy(data + 6, rt->src_mac, 6);
        uint16_t check16;
        std::memcpy(&check16, iph + 10, 2);
        uint32_t check = check16;
        check += 0x0001;  // bpf_htons(0x0100) on a little-endian host
        check16 = static_cast<uint16_t>(check + (check >= 0xffff));
        std::memcpy(iph + 10, &check16, 2);
        iph[8] -= 1;
        if (port < ports_) forwarded_[port] += 1;
        return static_cast<uint32_t>(redirect_map_(&env, reinterpret_cast<uint64_t>(tx_ports_), port, 1, 0, 0));
    }

private:
    Map* routes_ = nullptr;
    Map* tx_ports_ = nullptr;
    uint64_t* forwarded_ = nullptr;
    uint32_t ports_ = 0;
    HelperFn redirect_map_ = nullptr;
};

}  // namespace

std::unique_ptr<NativeModule> make_native_router() { return std::make_unique<RouterIpv4>(); }

void setup_router_maps(MapSet& maps) {
    // 0.0.0.0/0 via port 1, which is device ifindex 2.
    const RouteKey key{0, 0};
    const Route route{1, {0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 0, 0xfe}};
    find_map(maps, "routes").update(&key, &route, update_flag::kAny);
    const uint32_t port = 1, ifindex = 2;
    find_map(maps, "tx_ports").update(&port, &ifindex, update_flag::kAny);
}

}  // namespace bpfnic::bench
