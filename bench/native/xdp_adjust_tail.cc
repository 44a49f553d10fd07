// SPDX-License-Identifier: MIT
// Native xdp_adjust_tail (examples/xdp_adjust_tail.c): IPv4 frames longer than the .rodata
// threshold become an ICMP "fragmentation needed" answer, through the same XdpBuff adjust_tail and
// adjust_head the helpers use, counted in the same array map.
#include "bench/native/native_modules.h"

namespace bpfnic::bench {

namespace {

constexpr uint32_t kIpLen = 20, kIcmpHdrLen = 8, kQuote = kIpLen + 8, kIcmpLen = kIcmpHdrLen + kQuote;
constexpr uint32_t kReplyLen = 14 + kIpLen + kIcmpLen;

class AdjustTail final : public NativeModule {
public:
    void bind(MapSet& maps, const Object&) override {
        Map& cnt = find_map(maps, "icmpcnt");
        counter_ = cnt.def().max_entries > 0 ? reinterpret_cast<uint64_t*>(cnt.array_base()) : nullptr;
        const uint8_t* ro = find_map(maps, ".rodata").array_base();
        std::memcpy(&max_pckt_size_, ro, 4);      // max_pckt_size: offset 0
        std::memcpy(&next_hop_mtu_, ro + 4, 2);   // next_hop_mtu: offset 4
    }

    uint32_t run(XdpBuff& buff, ExecEnv&) override {
        const uint8_t* data = buff.data();
        const uint8_t* end = buff.data_end();
        if (data + 14 + kIpLen > end) return 2;  // XDP_PASS
        if (native::load_be16(data + 12) != 0x0800 || (data[14] & 0xf) != 5) return 2;
        if (static_cast<int64_t>(end - data) <= int64_t{max_pckt_size_}) return 2;
        return send_frag_needed(buff);
    }

private:
    uint32_t send_frag_needed(XdpBuff& buff) {
        const uint8_t* data = buff.data();
        const uint8_t* orig = data + 14;
        uint8_t client[4], server[4], client_mac[6], server_mac[6];
        std::memcpy(client, orig + 12, 4);
        std::memcpy(server, orig + 16, 4);
        std::memcpy(client_mac, data + 6, 6);
        std::memcpy(server_mac, data, 6);
        const int trim = static_cast<int>(buff.len()) - static_cast<int>(14 + kQuote);
        if (buff.adjust_tail(-trim)) return 2;
        if (buff.adjust_head(-static_cast<int>(kIpLen + kIcmpHdrLen))) return 2;
        uint8_t* eth = buff.data();
        if (eth + kReplyLen > buff.data_end()) return 1;  // XDP_DROP
        uint8_t* iph = eth + 14;
        uint8_t* icmp = iph + kIpLen;
        std::memcpy(eth, client_mac, 6);
        std::memcpy(eth + 6, server_mac, 6);
        eth[12] = 0x08;
        eth[13] = 0x00;
        icmp[0] = 3;  // ICMP_DEST_UNREACH
        icmp[1] = 4;  // ICMP_FRAG_NEEDED
        icmp[2] = icmp[3] = icmp[4] = icmp[5] = 0;
        icmp[6] = static_cast<uint8_t>(next_hop_mtu_ >> 8);
        icmp[7] = static_cast<uint8_t>(next_hop_mtu_);
        const uint16_t c = native::csum_fold(native::sum_words(icmp, kIcmpLen / 2));
        std::memcpy(icmp + 2, &c, 2);
        uint32_t saddr, daddr;
        std::memcpy(&saddr, server, 4);
        std::memcpy(&daddr, client, 4);
        native::write_ipv4_header(iph, kIpLen + kIcmpLen, 64, 1 /* IPPROTO_ICMP */, saddr, daddr);
        if (counter_) __atomic_fetch_add(counter_, 1, __ATOMIC_SEQ_CST);
        return 3;  // XDP_TX
    }

    uint64_t* counter_ = nullptr;
    uint32_t max_pckt_size_ = 0;
    uint16_t next_hop_mtu_ = 0;
};

}  // namespace

std::unique_ptr<NativeModule> make_native_adjust_tail() { return std::make_unique<AdjustTail>(); }

}  // namespace bpfnic::bench
