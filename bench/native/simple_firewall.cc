// SPDX-License-Identifier: MIT
// Native simple_firewall (examples/simple_firewall.c): conntrack in the same LRU hash, open
// services in the same hash, per-decision counters in the same per-CPU array, through the same
// Map objects the engines use.
#include <cstring>

#include "bench/native/native_modules.h"

namespace bpfnic::bench {

namespace {

struct FlowKey {
    uint32_t saddr, daddr;
    uint16_t sport, dport;
    uint8_t protocol;
    uint8_t pad[3];
};
struct FlowState {
    uint64_t packets_out, packets_in, bytes;
};
struct ServiceKey {
    uint16_t port;
    uint8_t protocol;
    uint8_t pad;
};
enum Stat : uint32_t { kOutboundNew, kOutboundKnown, kInboundFlow, kInboundService, kInboundDropped, kNotTcpUdp, kMalformed };

class SimpleFirewall final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        conntrack_ = &find_map(maps, "conntrack");
        services_ = &find_map(maps, "open_services");
        Map& stats = find_map(maps, "fw_stats");
        stats_ = reinterpret_cast<uint64_t*>(stats.array_base());
        stat_entries_ = stats.def().max_entries;
        trusted_ = reinterpret_cast<const uint32_t*>(find_map(maps, ".rodata").array_base());
    }

    uint32_t run(XdpBuff& buff, ExecEnv&) override {
        uint8_t* data = buff.data();
        const uint8_t* end = buff.data_end();
        const uint8_t* pos = data;
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
        if (proto != 0x0800) return count(kNotTcpUdp, 2);
        const uint8_t* iph = pos;
        if (iph + 20 > end) return count(kMalformed, 1);
        const int hdr = (iph[0] & 0xf) * 4;
        if (hdr < 20 || iph + hdr > end) return count(kMalformed, 1);
        const uint8_t protocol = iph[9];
        if (protocol != 6 && protocol != 17) return count(kNotTcpUdp, 2);
        const uint8_t* l4 = iph + hdr;
        if (l4 + (protocol == 6 ? 20 : 8) > end) return count(kMalformed, 1);
        uint16_t sport, dport;
        std::memcpy(&sport, l4, 2);
        std::memcpy(&dport, l4 + 2, 2);
        const uint64_t len = static_cast<uint64_t>(end - data);
        uint32_t saddr, daddr;
        std::memcpy(&saddr, iph + 12, 4);
        std::memcpy(&daddr, iph + 16, 4);

        FlowKey key{};
        key.protocol = protocol;
        if (buff.md()->ingress_ifindex == *trusted_) {
            key.saddr = saddr;
            key.daddr = daddr;
            key.sport = sport;
            key.dport = dport;
            if (auto* st = static_cast<FlowState*>(conntrack_->lookup(&key))) {
                __atomic_fetch_add(&st->packets_out, 1, __ATOMIC_SEQ_CST);
                __atomic_fetch_add(&st->bytes, len, __ATOMIC_SEQ_CST);
                return count(kOutboundKnown, 2);
            }
            const FlowState fresh{1, 0, len};
            conntrack_->update(&key, &fresh, update_flag::kNoExist);
            return count(kOutboundNew, 2);
        }
        key.saddr = daddr;
        key.daddr = saddr;
        key.sport = dport;
        key.dport = sport;
        if (auto* st = static_cast<FlowState*>(conntrack_->lookup(&key))) {
            __atomic_fetch_add(&st->packets_in, 1, __ATOMIC_SEQ_CST);
            __atomic_fetch_add(&st->bytes, len, __ATOMIC_SEQ_CST);
            return count(kInboundFlow, 2);
        }
        ServiceKey svc{};
        svc.port = dport;
        svc.protocol = protocol;
        if (services_->lookup(&svc)) return count(kInboundService, 2);
        return count(kInboundDropped, 1);
    }

private:
    uint32_t count(uint32_t stat, uint32_t verdict) {
        if (stat < stat_entries_) stats_[stat] += 1;
        return verdict;
    }

    Map* conntrack_ = nullptr;
    Map* services_ = nullptr;
    uint64_t* stats_ = nullptr;
    uint32_t stat_entries_ = 0;
    const uint32_t* trusted_ = nullptr;
};

}  // namespace

std::unique_ptr<NativeModule> make_native_firewall() { return std::make_unique<SimpleFirewall>(); }

}  // namespace bpfnic::bench
