// SPDX-License-Identifier: MIT
// pcap reading and writing: a written file reads back packet for packet, tcpdump reads it, and
// bad input gives the documented errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "compiler/error.h"
#include "driver/pcap_io.h"
#include "driver/traffic/generator.h"

namespace bpfnic {
namespace {

namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
    return fs::temp_directory_path() / ("bpfnic_pcap_" + std::to_string(::getpid()) + "_" + name);
}

void expect_error(const std::string& path, ErrorKind kind, const std::string& msg) {
    try {
        read_pcap(path);
        ADD_FAILURE() << "read " << path;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), kind);
        EXPECT_EQ(std::string(e.what()), msg);
    }
}

TEST(PcapIo, WriteThenReadBack) {
    const auto path = temp_path("roundtrip.pcap");
    TrafficGenerator g(parse_traffic_spec("count=100,seed=11"));
    {
        PcapWriter w(path.string());
        for (uint64_t i = 0; i < g.count(); ++i) w.write(g.packet(i).bytes, 1700000000ull * 1000000000ull + i * 1000);
        EXPECT_EQ(w.packets_written(), 100u);
        w.close();
    }
    const auto pkts = read_pcap(path.string());
    ASSERT_EQ(pkts.size(), 100u);
    for (uint64_t i = 0; i < g.count(); ++i) {
        EXPECT_EQ(pkts[i].data, g.packet(i).bytes) << i;
        EXPECT_EQ(pkts[i].orig_len, pkts[i].data.size());
        EXPECT_EQ(pkts[i].ts_ns, 1700000000ull * 1000000000ull + i * 1000);  // microsecond stamps survive
    }
    fs::remove(path);
}

TEST(PcapIo, TcpdumpReadsOurFiles) {
    if (std::system("command -v tcpdump > /dev/null 2>&1") != 0) GTEST_SKIP() << "tcpdump not installed";
    const auto path = temp_path("tcpdump.pcap");
    const auto out = temp_path("tcpdump.txt");
    TrafficGenerator g(parse_traffic_spec("count=25,seed=4,ipv6=50,vlan=20"));
    {
        PcapWriter w(path.string());
        for (uint64_t i = 0; i < g.count(); ++i) w.write(g.packet(i).bytes, i * 1000000);
    }
    // One line per packet with -q; with -vv tcpdump also checks every checksum and flags bad ones.
    auto run = [&](const std::string& flags) {
        const std::string cmd = "tcpdump " + flags + " -nn -r " + path.string() + " > " + out.string() + " 2>/dev/null";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        std::ifstream in(out);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        return lines;
    };
    EXPECT_EQ(run("-q").size(), 25u);
    int checked = 0;
    for (const auto& line : run("-vv")) {
        EXPECT_EQ(line.find("incorrect"), std::string::npos) << line;
        EXPECT_EQ(line.find("bad cksum"), std::string::npos) << line;
        EXPECT_EQ(line.find("wrong"), std::string::npos) << line;
        checked += line.find("(correct)") != std::string::npos || line.find("sum ok") != std::string::npos;
    }
    EXPECT_GT(checked, 10);  // TCP and UDP checksums were verified by tcpdump
    fs::remove(path);
    fs::remove(out);
}

TEST(PcapIo, MissingFileIsNotFound) {
    expect_error("/nonexistent/x.pcap", ErrorKind::NotFound, "/nonexistent/x.pcap: no such file");
}

TEST(PcapIo, TextFileIsNotAPcap) {
    const auto path = temp_path("text.pcap");
    std::ofstream(path) << "hello, this is not a capture file\n";
    expect_error(path.string(), ErrorKind::BadInput, path.string() + ": not a pcap file: unknown file format");
    fs::remove(path);
}

TEST(PcapIo, TruncatedRecordNamesThePacket) {
    const auto path = temp_path("cut.pcap");
    {
        PcapWriter w(path.string());
        std::vector<uint8_t> frame(100, 0xab);
        w.write(frame, 0);
        w.write(frame, 1000);
    }
    fs::resize_file(path, fs::file_size(path) - 30);
    PcapReader r(path.string());
    PcapPacket p;
    EXPECT_TRUE(r.next(p));
    try {
        r.next(p);
        ADD_FAILURE() << "read a cut record";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": packet 2: truncated dump file", 0), 0u) << e.what();
    }
    fs::remove(path);
}

TEST(PcapIo, NonEthernetLinkTypeRejected) {
    const auto path = temp_path("raw.pcap");
    // A pcap header for link type 101 (LINKTYPE_RAW), no packets.
    const uint8_t hdr[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0};
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(hdr), sizeof hdr);
    expect_error(path.string(), ErrorKind::BadInput, path.string() + ": link type 12 (RAW) is not Ethernet");
    fs::remove(path);
}

TEST(PcapIo, UnwritablePathIsBadInput) {
    try {
        PcapWriter w("/nonexistent/dir/out.pcap");
        ADD_FAILURE() << "created a file in a missing folder";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/dir/out.pcap: cannot write: ", 0), 0u) << e.what();
    }
}

}  // namespace
}  // namespace bpfnic
