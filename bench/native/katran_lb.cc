// SPDX-License-Identifier: MIT
// Native katran_lb (examples/katran_lb.c): VIP lookup (exact port, then port 0), per-VIP stats,
// the LRU connection table, consistent-hash ring pick with the same jhash, and IPIP encapsulation
// toward the real, all in the same Map objects (hash maps through Map::lookup/update, arrays
// through their storage). Also the bench's balancer setup.
#include "bench/native/native_modules.h"

namespace bpfnic::bench {

namespace {

constexpr uint32_t kMaxVips = 16, kMaxReals = 256, kRingSize = 1031, kStatsLruMiss = kMaxVips;

struct VipDefinition {
    uint32_t vip;
    uint16_t port;
    uint8_t protocol;
    uint8_t pad;
};
struct VipMeta {
    uint32_t flags;
    uint32_t vip_num;
};
struct RealDefinition {
    uint32_t dst;
    uint32_t flags;
};
struct FlowKey {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint8_t protocol;
    uint8_t pad[3];
};
struct LbStats {
    uint64_t packets, bytes;
};

uint32_t rol32(uint32_t w, unsigned s) { return (w << s) | (w >> (32 - s)); }

uint32_t jhash_3words(uint32_t a, uint32_t b, uint32_t c, uint32_t initval) {
    const uint32_t init = 0xdeadbeef + (3 << 2) + initval;
    a += init;
    b += init;
    c += init;
    c ^= b; c -= rol32(b, 14);
    a ^= c; a -= rol32(c, 11);
    b ^= a; b -= rol32(a, 25);
    c ^= b; c -= rol32(b, 16);
    a ^= c; a -= rol32(c, 4);
    b ^= a; b -= rol32(a, 14);
    c ^= b; c -= rol32(b, 24);
    return c;
}

class KatranLb final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        vip_map_ = &find_map(maps, "vip_map");
        lru_conn_ = &find_map(maps, "lru_conn");
        Map& rings = find_map(maps, "ch_rings");
        rings_ = reinterpret_cast<const uint32_t*>(rings.array_base());
        ring_entries_ = rings.def().max_entries;
        Map& reals = find_map(maps, "reals");
        reals_ = reinterpret_cast<const RealDefinition*>(reals.array_base());
        real_entries_ = reals.def().max_entries;
        gw_mac_ = find_map(maps, "ctl_array").array_base();
        Map& stats = find_map(maps, "vip_stats");
        stats_ = reinterpret_cast<LbStats*>(stats.array_base());
        stat_entries_ = stats.def().max_entries;
    }

    uint32_t run(XdpBuff& buff, ExecEnv&) override {
        const uint8_t* data = buff.data();
        const uint8_t* end = buff.data_end();
        const uint8_t* iph = data + 14;
        if (iph + 20 > end) return 2;  // XDP_PASS
        if (native::load_be16(data + 12) != 0x0800 || (iph[0] & 0xf) != 5) return 2;
        if (native::load_be16(iph + 6) & 0x3fff) return 2;  // fragment
        FlowKey flow{};
        std::memcpy(&flow.src, iph + 12, 4);
        std::memcpy(&flow.dst, iph + 16, 4);
        flow.protocol = iph[9];
        const uint8_t* l4 = iph + 20;
        if (flow.protocol == 6) {
            if (l4 + 20 > end) return 1;  // XDP_DROP
        } else if (flow.protocol == 17) {
            if (l4 + 8 > end) return 1;
        } else {
            return 2;
        }
        std::memcpy(&flow.sport, l4, 2);
        std::memcpy(&flow.dport, l4 + 2, 2);

        VipDefinition vip{flow.dst, flow.dport, flow.protocol, 0};
        auto* meta = static_cast<const VipMeta*>(vip_map_->lookup(&vip));
        if (!meta) {
            vip.port = 0;
            meta = static_cast<const VipMeta*>(vip_map_->lookup(&vip));
            if (!meta) return 2;
        }
        const uint32_t vip_num = meta->vip_num;
        const uint16_t inner_len = native::load_be16(iph + 2);
        count_stats(vip_num, static_cast<uint64_t>(end - data));

        uint32_t real_num;
        if (auto* cached = static_cast<const uint32_t*>(lru_conn_->lookup(&flow))) {
            real_num = *cached;
        } else {
            if (vip_num >= kMaxVips) return 1;
            const uint32_t ports = static_cast<uint32_t>(flow.sport) << 16 | flow.dport;
            const uint32_t hash = jhash_3words(flow.src, flow.dst ^ flow.protocol, ports, kRingSize);
            const uint32_t ring_key = vip_num * kRingSize + hash % kRingSize;
            if (ring_key >= ring_entries_ || rings_[ring_key] >= kMaxReals) return 1;
            real_num = rings_[ring_key];
            lru_conn_->update(&flow, &real_num, update_flag::kAny);
            count_stats(kStatsLruMiss, 0);
        }
        if (real_num >= real_entries_) return 1;
        return encap_ipip(buff, reals_[real_num].dst, flow.sport, inner_len);
    }

private:
    void count_stats(uint32_t slot, uint64_t bytes) {
        if (slot >= stat_entries_) return;
        stats_[slot].packets += 1;
        stats_[slot].bytes += bytes;
    }

    uint32_t encap_ipip(XdpBuff& buff, uint32_t real_dst, uint16_t sport, uint16_t inner_len) {
        if (buff.data() + 14 > buff.data_end()) return 1;
        uint8_t our_mac[6];
        std::memcpy(our_mac, buff.data(), 6);
        if (buff.adjust_head(-20)) return 1;
        uint8_t* eth = buff.data();
        if (eth + 34 > buff.data_end()) return 1;
        std::memcpy(eth, gw_mac_, 6);
        std::memcpy(eth + 6, our_mac, 6);
        eth[12] = 0x08;
        eth[13] = 0x00;
        // 172.16.<sport high>.<sport low>: sport is in network order in memory.
        uint8_t sp[2];
        std::memcpy(sp, &sport, 2);
        const uint8_t src[4] = {172, 16, sp[0], sp[1]};
        uint32_t saddr;
        std::memcpy(&saddr, src, 4);
        native::write_ipv4_header(eth + 14, inner_len + 20u, 64, 4 /* IPPROTO_IPIP */, saddr, real_dst);
        return 3;  // XDP_TX
    }

    Map* vip_map_ = nullptr;
    Map* lru_conn_ = nullptr;
    const uint32_t* rings_ = nullptr;
    uint32_t ring_entries_ = 0;
    const RealDefinition* reals_ = nullptr;
    uint32_t real_entries_ = 0;
    const uint8_t* gw_mac_ = nullptr;
    LbStats* stats_ = nullptr;
    uint32_t stat_entries_ = 0;
};

}  // namespace

std::unique_ptr<NativeModule> make_native_katran() { return std::make_unique<KatranLb>(); }

// VIPs from the traffic's flows: flows 0, 4, 8, ... get an exact (address, port, TCP) service,
// flows 1, 5, 9, ... a port-0 (address, any port, UDP) service; the others pass. Ring v holds
// reals v, v+1, ... (mod 64) slot by slot; real r is 10.1.0.r; the gateway is 02:00:00:00:00:fe.
void setup_katran_maps(MapSet& maps, const std::vector<TrafficGenerator::Flow>& flows) {
    Map& vips = find_map(maps, "vip_map");
    uint32_t next_vip = 0;
    for (size_t f = 0; f < flows.size() && next_vip < kMaxVips; ++f) {
        if (f % 4 > 1) continue;
        VipDefinition v{};
        std::memcpy(&v.vip, flows[f].dst_ip4.data(), 4);
        if (f % 4 == 0) {
            const uint8_t port[2] = {static_cast<uint8_t>(flows[f].dst_port >> 8),
                                     static_cast<uint8_t>(flows[f].dst_port)};
            std::memcpy(&v.port, port, 2);
            v.protocol = 6;
        } else {
            v.protocol = 17;
        }
        const VipMeta meta{0, next_vip};
        if (vips.update(&v, &meta, update_flag::kNoExist) == 0) ++next_vip;
    }
    Map& rings = find_map(maps, "ch_rings");
    constexpr uint32_t kReals = 64;
    for (uint32_t v = 0; v < kMaxVips; ++v)
        for (uint32_t s = 0; s < kRingSize; ++s) {
            const uint32_t key = v * kRingSize + s, real = (v + s) % kReals;
            rings.update(&key, &real, update_flag::kAny);
        }
    Map& reals = find_map(maps, "reals");
    for (uint32_t r = 0; r < kReals; ++r) {
        const uint8_t dst[4] = {10, 1, 0, static_cast<uint8_t>(r)};
        RealDefinition def{};
        std::memcpy(&def.dst, dst, 4);
        reals.update(&r, &def, update_flag::kAny);
    }
    const uint32_t zero = 0;
    const uint8_t gw[8] = {0x02, 0, 0, 0, 0, 0xfe, 0, 0};
    find_map(maps, "ctl_array").update(&zero, gw, update_flag::kAny);
}

}  // namespace bpfnic::bench
