// SPDX-License-Identifier: MIT
// The bpfnic subcommands doing their job: run's summary, JSON report, pcap in and out and map
// seeding; verify; disasm; map dump/lookup of a finished run; demo's table; --help texts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "driver/pcap_io.h"
#include "driver/traffic/generator.h"
#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

using nlohmann::json;

json run_json(const std::vector<std::string>& args) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return json::parse(r.out);
}

TEST(CliHelp, MainAndSubcommandHelp) {
    const CliResult main = run_cli({"--help"});
    EXPECT_EQ(main.rc, 0);
    EXPECT_NE(main.out.find("Exit codes:"), std::string::npos);
    EXPECT_NE(main.out.find("Examples:"), std::string::npos);
    for (const char* sub : {"demo", "run", "verify", "disasm", "map"}) {
        const CliResult r = run_cli({sub, "--help"});
        EXPECT_EQ(r.rc, 0) << sub;
        EXPECT_EQ(r.out.rfind(std::string("Usage: bpfnic ") + sub, 0), 0u) << r.out;
        EXPECT_NE(r.out.find("Examples:\n  bpfnic " + std::string(sub)), std::string::npos) << r.out;
    }
}

TEST(CliRun, SummaryCountsVerdicts) {
    const CliResult r = run_cli({"run", example("xdp_drop"), "--gen", "count=50,seed=3"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("packets:       50\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("verdicts:      aborted 0, drop 50, pass 0, tx 0, redirect 0\n"), std::string::npos) << r.out;
    // The interpreter counts what it executes: r0 = 1; exit.
    EXPECT_NE(r.out.find("instructions:  2.0 per packet (executed by the interpreter)\n"), std::string::npos) << r.out;
    const CliResult jit = run_cli({"run", example("xdp_drop"), "--engine", "jit", "--gen", "count=5"});
    EXPECT_EQ(jit.rc, 0) << jit.err;
    EXPECT_NE(jit.out.find("instructions:  not counted (the JIT does not count the instructions it executes)\n"),
              std::string::npos) << jit.out;
    EXPECT_NE(r.out.find("ns per packet (interp)\n"), std::string::npos) << r.out;
}

TEST(CliRun, JsonReportHasEveryKey) {
    const json j = run_json({"run", example("xdp1"), "--gen", "count=100,seed=5", "-j"});
    for (const char* key : {"engine", "packets", "verdicts", "offloaded", "fallback_reason", "instructions", "bundles",
                            "cycles_per_packet", "ipc", "stalls", "mpps_at_mhz", "mismatches", "maps"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["engine"], "interp");
    EXPECT_EQ(j["packets"], 100);
    EXPECT_TRUE(j["instructions"].is_number());
    EXPECT_GT(j["instructions_per_packet"].get<double>(), 2.0);  // the interpreter's count
    EXPECT_EQ(j["verdicts"]["drop"], 100);
    for (const char* v : {"aborted", "drop", "pass", "tx", "redirect"}) EXPECT_TRUE(j["verdicts"].contains(v)) << v;
    EXPECT_EQ(j["offloaded"], false);
    EXPECT_TRUE(j["fallback_reason"].is_null());
    EXPECT_TRUE(j["cycles_per_packet"].is_null());  // not on hardware
    EXPECT_TRUE(j["mpps_at_mhz"].is_null());
    EXPECT_TRUE(j["mismatches"].is_null());          // not a cross-check
    EXPECT_EQ(j["input"]["source"], "count=100,mix=tcp:60/udp:30/icmp:10,sizes=64-1500,flows=16,ipv6=10,vlan=5,seed=5");
    // xdp1 counts packets per IP protocol: the counters add up to the packets.
    uint64_t counted = 0;
    for (const auto& e : j["maps"]["rxcnt"]["entries"]) {
        const std::string v = e["value"];
        counted += std::stoul(v.substr(0, 2), nullptr, 16) + (std::stoul(v.substr(3, 2), nullptr, 16) << 8);
    }
    EXPECT_EQ(counted, 100u);
}

TEST(CliRun, ReportFileMatchesJsonOutput) {
    TempDir tmp;
    const std::string report = tmp.file("r.json");
    const json printed = run_json({"run", example("xdp1"), "--gen", "count=20", "--report", report, "-j"});
    std::ifstream in(report);
    const json written = json::parse(in);
    json a = printed, b = written;
    a.erase("ns_per_packet");
    b.erase("ns_per_packet");
    EXPECT_EQ(a, b);
}

TEST(CliRun, CrossCheckAgrees) {
    const json j = run_json({"run", example("xdp2"), "--engine", "xcheck", "--gen", "count=300,seed=2", "-j"});
    EXPECT_EQ(j["engine"], "xcheck");
    EXPECT_EQ(j["engines"][0], "interp");
    EXPECT_EQ(j["mismatches"], 0);
    EXPECT_EQ(j["verdicts"]["tx"], 300);
}

TEST(CliRun, CrossCheckThroughTheDriverReportsEveryEngine) {
    const json j = run_json({"run", example("xdp1"), "--engine", "xcheck", "--gen", "count=40,seed=4", "-j"});
    EXPECT_EQ(j["mismatches"], 0);
    EXPECT_TRUE(j["mismatch_details"].empty());
    EXPECT_TRUE(j["ns_per_packet"].contains("jit")) << j["ns_per_packet"];
#ifdef BPFNIC_HAVE_HW
    EXPECT_EQ(j["engines"], json::array({"interp", "hw", "jit"}));
    EXPECT_EQ(j["offloaded"], true);
    EXPECT_TRUE(j["skipped_engines"].empty());
    EXPECT_GT(j["instructions_per_packet"].get<double>(), 1.0);
    EXPECT_GT(j["bundles"].get<int>(), 0);
    for (const char* cause : {"load_use", "divide", "helper", "extension", "atomic", "branch_flush", "stack_scrub"})
        EXPECT_TRUE(j["stalls"].contains(cause)) << cause;
    // The maps come from the card's firmware: the counters add up to the packets.
    uint64_t counted = 0;
    for (const auto& e : j["maps"]["rxcnt"]["entries"]) counted += std::stoul(e["value"].get<std::string>().substr(0, 2), nullptr, 16);
    EXPECT_EQ(counted, 40u);
    // A map read on the card, after a run made on the spot.
    const CliResult l = run_cli({"map", "lookup", example("xdp1"), "--engine", "hw", "--gen", "count=30,mix=udp:1",
                                 "--map", "rxcnt", "--key", "11 00 00 00"});
    EXPECT_EQ(l.rc, 0) << l.err;
    EXPECT_EQ(l.out, "key: 11 00 00 00  value: 1e 00 00 00 00 00 00 00\n");
#else
    EXPECT_EQ(j["engines"], json::array({"interp", "jit"}));
    EXPECT_EQ(j["skipped_engines"], json::array({"hw: no card: this build has no simulated card (BPFNIC_HW=OFF)"}));
#endif
}

TEST(CliRun, HardwareEngineOrFallback) {
    const json j = run_json({"run", example("xdp1"), "--engine", "hw", "--gen", "count=20,seed=1", "-j"});
    EXPECT_EQ(j["engine"], "hw");
    EXPECT_EQ(j["verdicts"]["drop"], 20);
#ifdef BPFNIC_HAVE_HW
    EXPECT_EQ(j["offloaded"], true);
    EXPECT_TRUE(j["fallback_reason"].is_null());
    EXPECT_EQ(j["engines"], json::array({"hw"}));
    EXPECT_GT(j["cycles_per_packet"].get<double>(), 0.0);
    EXPECT_GT(j["ipc"].get<double>(), 0.0);
    EXPECT_TRUE(j["stalls"].contains("load_use"));
    EXPECT_DOUBLE_EQ(j["mpps_at_mhz"]["250"].get<double>(), 250.0 / j["cycles_per_packet"].get<double>());
    // A prog array is beyond the map unit: the run falls back to software and says where.
    const json t = run_json({"run", example("tail_call"), "--prog", "xdp_dispatch", "--engine", "hw", "--gen", "count=5", "-j"});
    EXPECT_EQ(t["offloaded"], false);
    EXPECT_NE(t["fallback_reason"].get<std::string>().find("instruction "), std::string::npos) << t["fallback_reason"];
    EXPECT_TRUE(t["cycles_per_packet"].is_null());
#else
    EXPECT_EQ(j["offloaded"], false);
    EXPECT_EQ(j["fallback_reason"], "no card: this build has no simulated card (BPFNIC_HW=OFF)");
    EXPECT_TRUE(j["cycles_per_packet"].is_null());
#endif
}

TEST(CliRun, OutputPcapHoldsPassAndTxPackets) {
    TempDir tmp;
    const std::string spec = "count=40,seed=8";
    TrafficGenerator gen(parse_traffic_spec(spec));
    // xdp_pass: every packet out unchanged.
    const std::string out_pass = tmp.file("pass.pcap");
    const json jp = run_json({"run", example("xdp_pass"), "--gen", spec, "--out", out_pass, "-j"});
    EXPECT_EQ(jp["output"]["packets"], 40);
    const auto pkts = read_pcap(out_pass);
    ASSERT_EQ(pkts.size(), 40u);
    for (size_t i = 0; i < pkts.size(); ++i) EXPECT_EQ(pkts[i].data, gen.packet(i).bytes) << i;
    // xdp_drop: nothing out.
    const std::string out_drop = tmp.file("drop.pcap");
    run_json({"run", example("xdp_drop"), "--gen", spec, "--out", out_drop, "-j"});
    EXPECT_TRUE(read_pcap(out_drop).empty());
    // xdp2 swaps MAC addresses and transmits: the output is the input with the MACs exchanged.
    const std::string out_tx = tmp.file("tx.pcap");
    run_json({"run", example("xdp2"), "--gen", spec, "--out", out_tx, "-j"});
    const auto tx = read_pcap(out_tx);
    ASSERT_EQ(tx.size(), 40u);
    const auto in0 = gen.packet(0).bytes;
    EXPECT_TRUE(std::equal(in0.begin(), in0.begin() + 6, tx[0].data.begin() + 6));
    EXPECT_TRUE(std::equal(in0.begin() + 6, in0.begin() + 12, tx[0].data.begin()));
}

TEST(CliRun, OutputPcapReadableByTcpdump) {
    if (std::system("command -v tcpdump > /dev/null 2>&1") != 0) GTEST_SKIP() << "tcpdump is not installed";
    TempDir tmp;
    const std::string out = tmp.file("out.pcap");
    run_json({"run", example("xdp_pass"), "--gen", "count=7,mix=udp:1,ipv6=0,vlan=0,seed=2", "--out", out, "-j"});
    FILE* p = ::popen(("tcpdump -nn -r " + shell_quote(out) + " 2>/dev/null").c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string text;
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) text += buf;
    EXPECT_EQ(::pclose(p), 0) << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7) << text;
    EXPECT_NE(text.find("UDP"), std::string::npos) << text;
}

TEST(CliRun, PcapInput) {
    TempDir tmp;
    const std::string in = tmp.file("in.pcap");
    {
        TrafficGenerator gen(parse_traffic_spec("count=33,seed=4"));
        PcapWriter w(in);
        for (uint64_t i = 0; i < gen.count(); ++i) w.write(gen.packet(i).bytes, i * 1000);
    }
    const json j = run_json({"run", example("xdp_tx"), "--pcap", in, "-j"});
    EXPECT_EQ(j["packets"], 33);
    EXPECT_EQ(j["verdicts"]["tx"], 33);
    EXPECT_EQ(j["input"]["kind"], "pcap");
    EXPECT_EQ(j["input"]["source"], in);
}

TEST(CliRun, MapSeededFromFileAndReadBack) {
    TempDir tmp;
    // Start the TCP counter (protocol 6) of xdp1 at 1000.
    const std::string init = tmp.file("rxcnt.json");
    std::ofstream(init) << R"({"entries": [{"key": "06 00 00 00", "value": "e8 03 00 00 00 00 00 00"}]})";
    const std::string report = tmp.file("r.json");
    const std::string spec = "count=200,mix=tcp:1,seed=9";
    const CliResult r = run_cli({"run", example("xdp1"), "--gen", spec, "--map", "rxcnt=" + init, "--report", report});
    ASSERT_EQ(r.rc, 0) << r.err;
    const CliResult l = run_cli({"map", "lookup", "--report", report, "--map", "rxcnt", "--key", "06 00 00 00"});
    EXPECT_EQ(l.rc, 0) << l.err;
    EXPECT_EQ(l.out, "key: 06 00 00 00  value: b0 04 00 00 00 00 00 00\n");  // 1000 + 200 = 0x4b0
    // A report's map object seeds a later run as it is.
    std::ifstream rin(report);
    const json rep = json::parse(rin);
    const std::string again = tmp.file("again.json");
    std::ofstream(again) << rep["maps"]["rxcnt"].dump();
    const json j2 = run_json({"run", example("xdp1"), "--gen", spec, "--map", "rxcnt=" + again, "-j"});
    for (const auto& e : j2["maps"]["rxcnt"]["entries"])
        if (e["key"] == "06 00 00 00") EXPECT_EQ(e["value"], "78 05 00 00 00 00 00 00");  // 1200 + 200
    const CliResult missing = run_cli({"map", "lookup", "--report", report, "--map", "rxcnt", "--key", "00 01 00 00"});
    EXPECT_EQ(missing.rc, 3);
    EXPECT_EQ(missing.err, "bpfnic: error: map 'rxcnt': no entry with key 00 01 00 00\n");
}

TEST(CliMap, DumpAfterRunningObject) {
    const CliResult r = run_cli({"map", "dump", example("xdp1"), "--gen", "count=10,mix=udp:1,ipv6=0,vlan=0", "--map", "rxcnt"});
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out.rfind("map rxcnt: percpu_array, key 4 B, value 8 B, max_entries 256, 256 entries\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("key: 11 00 00 00  value: 0a 00 00 00 00 00 00 00\n"), std::string::npos) << r.out;  // UDP: 10
}

TEST(CliMap, DumpWithoutTrafficShowsLoadedMaps) {
    const CliResult r = run_cli({"map", "dump", example("globals"), "-j"});
    ASSERT_EQ(r.rc, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_FALSE(j.empty());
    for (const auto& [name, m] : j.items()) EXPECT_TRUE(m.contains("entries")) << name;
}

TEST(CliVerify, AcceptsExamples) {
    for (const char* name : {"xdp1", "xdp2", "xdp_pass", "subprog"}) {
        const CliResult r = run_cli({"verify", example(name)});
        EXPECT_EQ(r.rc, 0) << name << ": " << r.out << r.err;
        EXPECT_NE(r.out.find(": accepted ("), std::string::npos) << r.out;
    }
}

TEST(CliDisasm, PrintsLlvmSyntax) {
    const CliResult r = run_cli({"disasm", example("xdp_pass")});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, "xdp_pass_prog (section xdp, xdp, 2 instructions):\n    0:\tr0 = 2\n    1:\texit\n");
    const CliResult c = run_cli({"disasm", example("xdp_pass"), "--syntax", "conformance"});
    EXPECT_EQ(c.rc, 0) << c.err;
    EXPECT_NE(c.out.find("    0:\tmov"), std::string::npos) << c.out;
}

// The first `n` cells of the table row of a module (nine: the timing cells that follow vary).
std::vector<std::string> row(const std::string& table, const std::string& module, size_t n = 9) {
    std::istringstream lines(table);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream cells(line);
        std::vector<std::string> out;
        for (std::string c; out.size() < n && cells >> c;) out.push_back(c);
        if (!out.empty() && out[0] == module) return out;
    }
    ADD_FAILURE() << "no row for " << module << " in\n" << table;
    return std::vector<std::string>(9);
}

TEST(CliDemo, TableForEveryModule) {
    TempDir tmp;
    for (const char* name : {"xdp_pass", "xdp_drop", "xdp1"})
        std::filesystem::copy_file(example(name), tmp.file(std::string(name) + ".o"));
    const CliResult r = run_cli({"demo", "--examples", tmp.path().string(), "--gen", "count=64,seed=1"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("bpfnic demo: 3 IO modules from " + tmp.path().string()), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("module "), std::string::npos);
    EXPECT_NE(r.out.find("interp ns/pkt"), std::string::npos);
    // One row per module: name, packets, aborted, drop, pass, tx, redirect, ..., mismatches.
    // insns/pkt: the card's core counts the compiled program's instructions ("r0 = 1; exit" is one
    // "exit 1"); without a card nothing counts them.
#ifdef BPFNIC_HAVE_HW
    const std::string per_packet = "1.0";
#else
    const std::string per_packet = "-";
#endif
    EXPECT_EQ(row(r.out, "xdp_drop"), (std::vector<std::string>{"xdp_drop", "64", "0", "64", "0", "0", "0", "2", per_packet}));
    EXPECT_EQ(row(r.out, "xdp_pass"), (std::vector<std::string>{"xdp_pass", "64", "0", "0", "64", "0", "0", "2", per_packet}));
    EXPECT_EQ(row(r.out, "xdp1")[3], "64");
    // The interpreter (the cross-check's reference) and the JIT are timed.
    const std::vector<std::string> timed = row(r.out, "xdp1", 11);
    ASSERT_EQ(timed.size(), 11u);
    EXPECT_NE(timed[9], "-") << r.out;
    EXPECT_NE(timed[10], "-") << r.out;
    EXPECT_NE(r.out.find("no mismatches: every engine that ran agrees with the interpreter on every packet"), std::string::npos) << r.out;
    const CliResult j = run_cli({"demo", "--examples", tmp.path().string(), "--gen", "count=8", "-j"});
    EXPECT_EQ(j.rc, 0) << j.err;
    const json reports = json::parse(j.out);
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_EQ(reports[0]["mismatches"], 0);
}

}  // namespace
}  // namespace bpfnic::testing
