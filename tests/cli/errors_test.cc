// SPDX-License-Identifier: MIT
// Bad input never crashes the bpfnic command: each case gets its exact message on stderr and its
// documented exit code (2 bad input/usage, 3 not found, 4 unsupported, 1 rejected).
#include <gtest/gtest.h>

#include <fstream>

#include "driver/pcap_io.h"
#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

void expect_failure(const std::vector<std::string>& args, int rc, const std::string& err) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.rc, rc) << r.err;
    EXPECT_EQ(r.err, err);
    EXPECT_EQ(r.out, "");
}

TEST(CliErrors, NoArgumentsPrintsUsage) {
    const CliResult r = run_cli({});
    EXPECT_EQ(r.rc, 2);
    EXPECT_NE(r.err.find("Usage: bpfnic SUBCOMMAND [OPTIONS]"), std::string::npos);
}

TEST(CliErrors, UnknownSubcommand) {
    expect_failure({"frobnicate"}, 2, "bpfnic: error: unknown subcommand 'frobnicate' (known: demo, run, verify, compile, disasm, map, regress, merge)\n");
}

TEST(CliErrors, MissingObjectFile) {
    expect_failure({"run", "/nonexistent/prog.o"}, 3, "bpfnic: error: /nonexistent/prog.o: no such file\n");
    expect_failure({"verify", "/nonexistent/prog.o"}, 3, "bpfnic: error: /nonexistent/prog.o: no such file\n");
    expect_failure({"disasm", "/nonexistent/prog.o"}, 3, "bpfnic: error: /nonexistent/prog.o: no such file\n");
}

TEST(CliErrors, NotAnElfFile) {
    TempDir tmp;
    const std::string f = tmp.file("text.o");
    std::ofstream(f) << "this is not an object file\n";
    expect_failure({"run", f}, 2, "bpfnic: error: " + f + ": not an ELF file\n");
    expect_failure({"verify", f}, 2, "bpfnic: error: " + f + ": not an ELF file\n");
}

TEST(CliErrors, TruncatedElfFile) {
    TempDir tmp;
    const std::string f = tmp.file("cut.o");
    const std::string whole = slurp(example("xdp1"));
    std::ofstream(f, std::ios::binary) << whole.substr(0, 300);
    const CliResult r = run_cli({"run", f});
    EXPECT_EQ(r.rc, 2);
    EXPECT_EQ(r.err.rfind("bpfnic: error: " + f + ": truncated", 0), 0u) << r.err;
}

TEST(CliErrors, ObjectIsADirectory) {
    TempDir tmp;
    expect_failure({"run", tmp.path().string()}, 2, "bpfnic: error: " + tmp.path().string() + ": is a directory, not an object file\n");
}

TEST(CliErrors, NoSuchProgram) {
    const std::string obj = example("xdp1");
    expect_failure({"run", obj, "--prog", "nosuch"}, 3, "bpfnic: error: " + obj + ": no program 'nosuch' (programs: xdp_prog1)\n");
    expect_failure({"disasm", obj, "--prog", "nosuch"}, 3, "bpfnic: error: " + obj + ": no program 'nosuch' (programs: xdp_prog1)\n");
}

TEST(CliErrors, NonXdpProgramIsUnsupported) {
    const std::string obj = example("multi_prog");
    expect_failure({"run", obj, "--prog", "tc_count"}, 4,
                   "bpfnic: error: " + obj + ": tc_count: program type sched_cls is not supported (XDP only)\n");
}

TEST(CliErrors, BadPcap) {
    TempDir tmp;
    const std::string f = tmp.file("bad.pcap");
    std::ofstream(f) << "not a capture\n";
    expect_failure({"run", example("xdp_pass"), "--pcap", f}, 2, "bpfnic: error: " + f + ": not a pcap file: unknown file format\n");
    expect_failure({"run", example("xdp_pass"), "--pcap", tmp.file("none.pcap")}, 3,
                   "bpfnic: error: " + tmp.file("none.pcap") + ": no such file\n");
}

TEST(CliErrors, BadOptions) {
    const std::string obj = example("xdp_pass");
    expect_failure({"run", obj, "--bogus"}, 2, "bpfnic: error: unrecognised option '--bogus' (see 'bpfnic run --help')\n");
    expect_failure({"run", obj, "--repeat", "abc"}, 2,
                   "bpfnic: error: the argument ('abc') for option '--repeat' is invalid (see 'bpfnic run --help')\n");
    expect_failure({"run", obj, "--repeat", "0"}, 2, "bpfnic: error: --repeat 0: must be 1..1000000000\n");
    expect_failure({"run", obj, "--gen", "count=5", "--pcap", "x.pcap"}, 2, "bpfnic: error: --pcap and --gen exclude each other\n");
    expect_failure({"run"}, 2, "bpfnic: error: run: no object file given (see 'bpfnic run --help')\n");
    expect_failure({"verify", obj, "--log", "7"}, 2, "bpfnic: error: --log 7: must be 0, 1 or 2\n");
    expect_failure({"disasm", obj, "--syntax", "intel"}, 2, "bpfnic: error: --syntax 'intel': must be llvm or conformance\n");
}

TEST(CliErrors, BadTrafficSpec) {
    expect_failure({"run", example("xdp_pass"), "--gen", "count=10,colour=red"}, 2,
                   "bpfnic: error: traffic spec: unknown key 'colour' (known: count, mix, sizes, flows, ipv6, vlan, seed)\n");
    expect_failure({"demo", "--gen", "sizes=10"}, 2, "bpfnic: error: traffic spec: key 'sizes': 10 is out of range (60..9216)\n");
}

TEST(CliErrors, OversizedPcapFrame) {
    TempDir tmp;
    const std::string f = tmp.file("big.pcap");
    {
        PcapWriter w(f);
        w.write(std::vector<uint8_t>(60, 0), 0);
        w.write(std::vector<uint8_t>(10000, 1), 1000);
    }
    expect_failure({"run", example("xdp1"), "--pcap", f}, 2,
                   "bpfnic: error: " + f + ": packet 2: packet of 10000 bytes exceeds the 9216-byte maximum\n");
}

TEST(CliErrors, RuntimeFaultNamesThePacket) {
    // Unverified, the program reads byte 12 of a 5-byte packet: the interpreter stops it.
    TempDir tmp;
    const std::string f = tmp.file("short.pcap");
    {
        PcapWriter w(f);
        w.write(std::vector<uint8_t>(60, 0), 0);
        w.write(std::vector<uint8_t>(5, 1), 1000);
    }
    const CliResult r = run_cli({"run", std::string(BPFNIC_CLI_DATA_DIR) + "/unchecked_access.o", "--no-verify", "--pcap", f});
    EXPECT_EQ(r.rc, 5);
    EXPECT_EQ(r.err.rfind("bpfnic: error: " + f + ": packet 2: interp: instruction ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("out-of-bounds read"), std::string::npos) << r.err;
    // Only the interpreter runs unverified programs.
    expect_failure({"run", std::string(BPFNIC_CLI_DATA_DIR) + "/unchecked_access.o", "--no-verify", "--engine", "jit", "--pcap", f}, 2,
                   "bpfnic: error: --no-verify needs --engine interp (the other engines run verified programs only)\n");
}

TEST(CliErrors, UnknownEngine) {
    expect_failure({"run", example("xdp_pass"), "--engine", "gpu"}, 3,
                   "bpfnic: error: unknown engine 'gpu' (known: interp, jit, hw, xcheck)\n");
    expect_failure({"demo", "--engine", "gpu"}, 3, "bpfnic: error: unknown engine 'gpu' (known: interp, jit, hw, xcheck)\n");
}

TEST(CliErrors, BadMapFiles) {
    TempDir tmp;
    const std::string obj = example("xdp1");
    expect_failure({"run", obj, "--map", "rxcnt"}, 2, "bpfnic: error: --map 'rxcnt': expected NAME=FILE\n");
    expect_failure({"run", obj, "--map", "nosuch=x.json"}, 3,
                   "bpfnic: error: --map nosuch=x.json: the object has no map 'nosuch'\n");
    expect_failure({"run", obj, "--map", "rxcnt=" + tmp.file("none.json")}, 3,
                   "bpfnic: error: " + tmp.file("none.json") + ": no such file\n");
    const std::string bad = tmp.file("bad.json");
    std::ofstream(bad) << R"({"entries": [{"key": "01 00 00 00", "value": "01 00"}]})";
    expect_failure({"run", obj, "--map", "rxcnt=" + bad}, 2,
                   "bpfnic: error: " + bad + ": entry 0: value has 2 bytes, map 'rxcnt' needs 8\n");
}

TEST(CliErrors, UnverifiableProgram) {
    const std::string obj = std::string(BPFNIC_CLI_DATA_DIR) + "/unchecked_access.o";
    const CliResult v = run_cli({"verify", obj});
    EXPECT_EQ(v.rc, 1) << v.err;
    EXPECT_EQ(v.out.rfind(obj + ": xdp_unchecked: rejected: instruction ", 0), 0u) << v.out;
    const CliResult r = run_cli({"run", obj});
    EXPECT_EQ(r.rc, 1);
    EXPECT_EQ(r.err.rfind("bpfnic: error: " + obj + ": xdp_unchecked: rejected: instruction ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

TEST(CliErrors, MapCommandErrors) {
    TempDir tmp;
    expect_failure({"map"}, 2, "bpfnic: error: map: no verb given: dump, lookup or update (see 'bpfnic map --help')\n");
    expect_failure({"map", "show", example("xdp1")}, 2, "bpfnic: error: map: unknown verb 'show' (known: dump, lookup, update)\n");
    expect_failure({"map", "dump"}, 2, "bpfnic: error: map dump: give either OBJ or --report REPORT.json\n");
    expect_failure({"map", "dump", "--report", tmp.file("none.json")}, 3, "bpfnic: error: " + tmp.file("none.json") + ": no such file\n");
    const std::string notreport = tmp.file("x.json");
    std::ofstream(notreport) << R"({"packets": 3})";
    expect_failure({"map", "dump", "--report", notreport}, 2,
                   "bpfnic: error: " + notreport + ": not a bpfnic run report (no \"maps\" object)\n");
    expect_failure({"map", "dump", example("xdp1"), "--map", "nosuch"}, 3,
                   "bpfnic: error: " + example("xdp1") + ": no map 'nosuch' (maps: rxcnt)\n");
    const std::string noobject = tmp.file("noobject.json");
    std::ofstream(noobject) << R"({"maps": {}})";
    expect_failure({"map", "dump", "--report", noobject}, 2,
                   "bpfnic: error: " + noobject + ": not a bpfnic run report (no \"object\" and \"program\")\n");
    const std::string gone = tmp.file("gone.json");
    std::ofstream(gone) << R"({"object": "/nonexistent/prog.o", "program": "p", "maps": {}})";
    expect_failure({"map", "dump", "--report", gone}, 3,
                   "bpfnic: error: " + gone + ": the report's object: /nonexistent/prog.o: no such file\n");
    expect_failure({"map", "update", example("xdp1"), "--map", "rxcnt", "--key", "00", "--value", "00"}, 2,
                   "bpfnic: error: map update: --report REPORT.json is required\n");
}

TEST(CliErrors, DemoExamplesFolder) {
    expect_failure({"demo", "--examples", "/nonexistent/examples"}, 3, "bpfnic: error: /nonexistent/examples: no such folder\n");
    TempDir tmp;
    expect_failure({"demo", "--examples", tmp.path().string()}, 3,
                   "bpfnic: error: " + tmp.path().string() + ": no object files (*.o)\n");
}

}  // namespace
}  // namespace bpfnic::testing
