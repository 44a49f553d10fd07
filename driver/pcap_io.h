// SPDX-License-Identifier: MIT
// Packet capture files through libpcap: reading Ethernet captures (any file libpcap opens:
// pcap with micro- or nanosecond stamps, pcapng) and writing classic pcap files that tcpdump and
// tshark read (link type Ethernet, microsecond stamps).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace bpfnic {

struct PcapPacket {
    std::vector<uint8_t> data;  ///< the captured bytes
    uint32_t orig_len = 0;      ///< length on the wire (>= data.size() when the capture was cut)
    uint64_t ts_ns = 0;         ///< timestamp, nanoseconds since the epoch
};

/// Reads a capture packet by packet. Throws bpfnic::Error: NotFound "FILE: no such file",
/// BadInput "FILE: not a pcap file: <libpcap message>" or "FILE: link type N (NAME) is not
/// Ethernet", BadInput "FILE: packet N: <libpcap message>" for a damaged record.
class PcapReader {
public:
    explicit PcapReader(const std::string& path);
    ~PcapReader();
    PcapReader(const PcapReader&) = delete;
    PcapReader& operator=(const PcapReader&) = delete;

    /// The next packet into out; false at the end of the file.
    bool next(PcapPacket& out);
    uint64_t packets_read() const { return count_; }

private:
    std::string path_;
    struct Handle;
    std::unique_ptr<Handle> h_;
    uint64_t count_ = 0;
};

/// Every packet of a capture.
std::vector<PcapPacket> read_pcap(const std::string& path);

/// Writes a pcap file (DLT_EN10MB, snap length 65535). Throws bpfnic::Error (BadInput) naming the
/// file when it cannot be created.
class PcapWriter {
public:
    explicit PcapWriter(const std::string& path);
    ~PcapWriter();
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;

    void write(std::span<const uint8_t> data, uint64_t ts_ns);
    /// Flushes and closes the file (the destructor does so too, without reporting errors).
    void close();
    uint64_t packets_written() const { return count_; }

private:
    std::string path_;
    struct Handle;
    std::unique_ptr<Handle> h_;
    uint64_t count_ = 0;
};

}  // namespace bpfnic
