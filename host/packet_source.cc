// SPDX-License-Identifier: MIT
// pcap or generated packets.
#include "host/packet_source.h"

namespace bpfnic {

PacketSource PacketSource::from_pcap(const std::string& path) {
    PacketSource s;
    s.kind_ = "pcap";
    s.description_ = path;
    s.pcap_ = std::make_unique<PcapReader>(path);
    return s;
}

PacketSource PacketSource::from_spec(const std::string& spec) {
    PacketSource s;
    s.kind_ = "gen";
    s.gen_ = std::make_unique<TrafficGenerator>(parse_traffic_spec(spec));
    s.description_ = s.gen_->spec().to_string();
    return s;
}

bool PacketSource::next(PcapPacket& out) {
    if (pcap_) {
        if (!pcap_->next(out)) return false;
    } else {
        if (index_ >= gen_->count()) return false;
        out.data = gen_->packet(index_).bytes;
        out.orig_len = static_cast<uint32_t>(out.data.size());
        out.ts_ns = index_ * 1000;  // one packet per microsecond
    }
    ++index_;
    return true;
}

std::optional<uint64_t> PacketSource::total() const {
    if (gen_) return gen_->count();
    return std::nullopt;
}

}  // namespace bpfnic
