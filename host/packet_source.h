// SPDX-License-Identifier: MIT
// Where a run's packets come from: a pcap file or the traffic generator, behind one loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "driver/pcap_io.h"
#include "driver/traffic/generator.h"

namespace bpfnic {

class PacketSource {
public:
    /// Packets of a capture file (errors as PcapReader's).
    static PacketSource from_pcap(const std::string& path);
    /// Generated packets (spec errors as parse_traffic_spec's).
    static PacketSource from_spec(const std::string& spec);

    /// The next packet; false when there are no more.
    bool next(PcapPacket& out);
    /// Packets in all, when known in advance (generated traffic).
    std::optional<uint64_t> total() const;
    const std::string& kind() const { return kind_; }  ///< "pcap" or "gen"
    const std::string& description() const { return description_; }  ///< path or canonical spec
    uint64_t index() const { return index_; }  ///< packets delivered so far

private:
    PacketSource() = default;
    std::string kind_, description_;
    std::unique_ptr<PcapReader> pcap_;
    std::unique_ptr<TrafficGenerator> gen_;
    uint64_t index_ = 0;
};

}  // namespace bpfnic
