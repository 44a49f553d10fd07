// SPDX-License-Identifier: MIT
// libpcap-backed capture reading and writing.
#include "driver/pcap_io.h"

#include <pcap/pcap.h>
#include <sys/stat.h>

#include <algorithm>

#include "compiler/error.h"

namespace bpfnic {

struct PcapReader::Handle {
    pcap_t* p = nullptr;
    ~Handle() {
        if (p) pcap_close(p);
    }
};

PcapReader::PcapReader(const std::string& path) : path_(path), h_(std::make_unique<Handle>()) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) throw Error(ErrorKind::NotFound, path + ": no such file");
    if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::BadInput, path + ": not a pcap file: is a directory");
    char err[PCAP_ERRBUF_SIZE] = {};
    h_->p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (!h_->p) throw Error(ErrorKind::BadInput, path + ": not a pcap file: " + err);
    const int dlt = pcap_datalink(h_->p);
    if (dlt != DLT_EN10MB) {
        const char* name = pcap_datalink_val_to_name(dlt);
        throw Error(ErrorKind::BadInput, path + ": link type " + std::to_string(dlt) + " (" +
                                             (name ? name : "unknown") + ") is not Ethernet");
    }
}

PcapReader::~PcapReader() = default;

bool PcapReader::next(PcapPacket& out) {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(h_->p, &hdr, &data);
    if (rc == PCAP_ERROR_BREAK) return false;
    if (rc != 1)
        throw Error(ErrorKind::BadInput, path_ + ": packet " + std::to_string(count_ + 1) + ": " + pcap_geterr(h_->p));
    out.data.assign(data, data + hdr->caplen);
    out.orig_len = hdr->len;
    // The handle was opened with nanosecond precision: tv_usec holds nanoseconds.
    out.ts_ns = static_cast<uint64_t>(hdr->ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(hdr->ts.tv_usec);
    ++count_;
    return true;
}

std::vector<PcapPacket> read_pcap(const std::string& path) {
    PcapReader r(path);
    std::vector<PcapPacket> out;
    PcapPacket p;
    while (r.next(p)) out.push_back(std::move(p));
    return out;
}

struct PcapWriter::Handle {
    pcap_t* p = nullptr;
    pcap_dumper_t* d = nullptr;
    ~Handle() {
        if (d) pcap_dump_close(d);
        if (p) pcap_close(p);
    }
};

PcapWriter::PcapWriter(const std::string& path) : path_(path), h_(std::make_unique<Handle>()) {
    h_->p = pcap_open_dead(DLT_EN10MB, 65535);
    if (!h_->p) throw Error(ErrorKind::Internal, path + ": pcap_open_dead failed");
    h_->d = pcap_dump_open(h_->p, path.c_str());
    if (!h_->d) throw Error(ErrorKind::BadInput, path + ": cannot write: " + pcap_geterr(h_->p));
}

PcapWriter::~PcapWriter() = default;

void PcapWriter::write(std::span<const uint8_t> data, uint64_t ts_ns) {
    if (!h_->d) throw Error(ErrorKind::Internal, path_ + ": write after close");
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = static_cast<time_t>(ts_ns / 1000000000ull);
    hdr.ts.tv_usec = static_cast<suseconds_t>((ts_ns % 1000000000ull) / 1000);
    hdr.len = static_cast<bpf_u_int32>(data.size());
    hdr.caplen = static_cast<bpf_u_int32>(std::min<size_t>(data.size(), 65535));
    pcap_dump(reinterpret_cast<u_char*>(h_->d), &hdr, data.data());
    ++count_;
}

void PcapWriter::close() {
    if (!h_->d) return;
    const bool flushed = pcap_dump_flush(h_->d) == 0;
    pcap_dump_close(h_->d);
    h_->d = nullptr;
    if (!flushed) throw Error(ErrorKind::BadInput, path_ + ": cannot write: flush failed");
}

}  // namespace bpfnic
