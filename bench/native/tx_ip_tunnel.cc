// SPDX-License-Identifier: MIT
// Native tx_ip_tunnel (examples/tx_ip_tunnel.c): IPIP encapsulation of TCP/UDP packets whose
// (daddr, dport, protocol) has a tunnel in the same hash map, through the same XdpBuff
// adjust_head the helper uses, counted per inner protocol in the same per-CPU array. Also the
// bench's tunnel setup.
#include "bench/native/native_modules.h"

namespace bpfnic::bench {

namespace {

struct Vip {
    uint32_t daddr;
    uint16_t dport;
    uint8_t protocol;
    uint8_t pad;
};
struct Tunnel {
    uint32_t saddr;
    uint32_t daddr;
    uint8_t dmac[6];
    uint8_t pad[2];
};

class TxIpTunnel final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        vip2tnl_ = &find_map(maps, "vip2tnl");
        Map& cnt = find_map(maps, "encap_count");
        counts_ = reinterpret_cast<uint64_t*>(cnt.array_base());
        count_entries_ = cnt.def().max_entries;
    }

    uint32_t run(XdpBuff& buff, ExecEnv&) override {
        const uint8_t* data = buff.data();
        const uint8_t* end = buff.data_end();
        const uint8_t* inner = data + 14;
        if (inner + 20 > end) return 2;  // XDP_PASS
        if (native::load_be16(data + 12) != 0x0800 || (inner[0] & 0xf) != 5) return 2;
        Vip key{};
        key.protocol = inner[9];
        std::memcpy(&key.daddr, inner + 16, 4);
        const uint8_t* l4 = inner + 20;
        if (key.protocol == 6) {
            if (l4 + 20 <= end) std::memcpy(&key.dport, l4 + 2, 2);
        } else if (key.protocol == 17) {
            if (l4 + 8 <= end) std::memcpy(&key.dport, l4 + 2, 2);
        }
        if (!key.dport) return 2;
        const auto* tnl = static_cast<const Tunnel*>(vip2tnl_->lookup(&key));
        if (!tnl) return 2;
        const uint32_t proto_key = key.protocol;
        const uint16_t payload_len = native::load_be16(inner + 2);
        uint8_t old_dmac[6];
        std::memcpy(old_dmac, data, 6);
        if (buff.adjust_head(-20)) return 1;  // XDP_DROP
        uint8_t* eth = buff.data();
        if (eth + 34 > buff.data_end()) return 1;
        std::memcpy(eth, tnl->dmac, 6);
        std::memcpy(eth + 6, old_dmac, 6);
        eth[12] = 0x08;
        eth[13] = 0x00;
        native::write_ipv4_header(eth + 14, payload_len + 20u, 8, 4 /* IPPROTO_IPIP */, tnl->saddr, tnl->daddr);
        if (proto_key < count_entries_) counts_[proto_key] += 1;
        return 3;  // XDP_TX
    }

private:
    Map* vip2tnl_ = nullptr;
    uint64_t* counts_ = nullptr;
    uint32_t count_entries_ = 0;
};

}  // namespace

std::unique_ptr<NativeModule> make_native_tunnel() { return std::make_unique<TxIpTunnel>(); }

// A tunnel for the service of every even-numbered flow, for TCP and UDP: endpoint 10.200.0.<f>,
// next hop 02:00:00:00:ee:<f>. Odd flows pass.
void setup_tunnel_maps(MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows) {
    Map& m = find_map(maps, "vip2tnl");
    for (size_t f = 0; f < flows.size(); f += 2) {
        const TrafficGenerator::Flow& fl = flows[f];
        Tunnel t{};
        const uint8_t src[4] = {10, 200, 0, 1}, dst[4] = {10, 200, 0, static_cast<uint8_t>(2 + f)};
        std::memcpy(&t.saddr, src, 4);
        std::memcpy(&t.daddr, dst, 4);
        const uint8_t mac[6] = {0x02, 0, 0, 0, 0xee, static_cast<uint8_t>(f)};
        std::memcpy(t.dmac, mac, 6);
        for (uint8_t proto : {uint8_t{6}, uint8_t{17}}) {
            Vip v{};
            std::memcpy(&v.daddr, fl.dst_ip4.data(), 4);
            const uint8_t port[2] = {static_cast<uint8_t>(fl.dst_port >> 8), static_cast<uint8_t>(fl.dst_port)};
            std::memcpy(&v.dport, port, 2);
            v.protocol = proto;
            m.update(&v, &t, update_flag::kAny);
        }
    }
}

}  // namespace bpfnic::bench
