// SPDX-License-Identifier: MIT
// libFuzzer target for the capture reader (driver/pcap_io.h). The input bytes are written to a
// file and read packet by packet: the reader either returns packets or throws bpfnic::Error
// (BadInput) with a message that names the file; it never crashes. Every packet it returns must
// be self-consistent (captured bytes no longer than libpcap's snapshot limit), and reading the same
// file again must give the same packets (no state leaks between readers).
//
// Seed corpus tests/fuzz/corpus/pcap/: captures `bpfnic run --out` wrote (microsecond stamps),
// the same converted by tcpdump to nanosecond stamps, a small pcapng file, and truncated ones.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "driver/pcap_io.h"

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "pcap_fuzz: %s\n", what.c_str());
    std::abort();
}

/// A file private to this process, rewritten for every input.
const std::string& scratch_path() {
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/bpfnic_pcap_fuzz." + std::to_string(::getpid()) + ".pcap";
    }();
    return path;
}

void write_file(const std::string& path, const uint8_t* data, size_t size) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) die("cannot create " + path);
    if (size && std::fwrite(data, 1, size, f) != size) die("cannot write " + path);
    std::fclose(f);
}

struct Outcome {
    std::vector<bpfnic::PcapPacket> packets;
    std::string error;
};

Outcome read_all(const std::string& path) {
    Outcome o;
    try {
        bpfnic::PcapReader reader(path);
        bpfnic::PcapPacket p;
        while (reader.next(p)) {
            // libpcap refuses records above its maximum snapshot length (256 KiB).
            if (p.data.size() > (256u << 10)) die("a packet of " + std::to_string(p.data.size()) + " captured bytes");
            o.packets.push_back(p);
            if (reader.packets_read() != o.packets.size()) die("packets_read() disagrees with the packets returned");
        }
    } catch (const bpfnic::Error& e) {
        if (e.kind() != bpfnic::ErrorKind::BadInput) die(std::string("error of a kind other than BadInput: ") + e.what());
        if (std::string(e.what()).rfind(path + ": ", 0) != 0) die(std::string("message without the file name: ") + e.what());
        o.error = e.what();
    }
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = scratch_path();
    write_file(path, data, size);
    const Outcome first = read_all(path);
    const Outcome second = read_all(path);
    if (first.error != second.error || first.packets.size() != second.packets.size())
        die("two reads of the same file differ: " + first.error + " / " + second.error);
    for (size_t i = 0; i < first.packets.size(); ++i) {
        const bpfnic::PcapPacket& a = first.packets[i];
        const bpfnic::PcapPacket& b = second.packets[i];
        if (a.data != b.data || a.orig_len != b.orig_len || a.ts_ns != b.ts_ns)
            die("packet " + std::to_string(i + 1) + " differs between two reads");
    }
    ::unlink(path.c_str());
    return 0;
}
