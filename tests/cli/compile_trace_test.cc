// SPDX-License-Identifier: MIT
// bpfnic compile (text, JSON, image, refusals, bad options) and bpfnic run --trace (an FST
// waveform of a hardware run; refused when the hardware engine does not run the program).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "compiler/image.h"
#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

using nlohmann::json;

TEST(CliCompile, JsonHasTheScheduleFacts) {
    const CliResult r = run_cli({"compile", example("xdp1"), "--lanes", "4", "--json"});
    ASSERT_EQ(r.rc, 0) << r.err;
    const json j = json::parse(r.out);
    for (const char* key : {"instructions", "bundles", "lanes", "static_ipc", "offloadable", "reason", "passes"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["lanes"], 4);
    EXPECT_EQ(j["offloadable"], true);
    EXPECT_TRUE(j["reason"].is_null());
    EXPECT_GT(j["bundles"].get<int>(), 0);
    EXPECT_LE(j["bundles"].get<int>(), j["instructions"].get<int>());
    EXPECT_DOUBLE_EQ(j["static_ipc"].get<double>(),
                     j["instructions_after_passes"].get<double>() / j["bundles"].get<double>());
}

TEST(CliCompile, WritesAnImageTheParserAccepts) {
    const std::string path = ::testing::TempDir() + "/xdp2.fw";
    const CliResult r = run_cli({"compile", example("xdp2"), "-o", path});
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("bundles at 4 lanes"), std::string::npos) << r.out;
    std::ifstream f(path, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const Image img = parse_image(bytes, path);
    EXPECT_EQ(img.lanes, 4);
    EXPECT_GT(img.bundles(), 0u);
}

TEST(CliCompile, DisasmShowsAnImagesBundles) {
    const std::string path = ::testing::TempDir() + "/xdp1.fw";
    ASSERT_EQ(run_cli({"compile", example("xdp1"), "--lanes", "2", "-o", path}).rc, 0);
    const CliResult r = run_cli({"disasm", path});
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("image: version 1, 2 lanes"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("map 0: rxcnt (percpu_array"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("    0: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ctx.data"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("exit 1"), std::string::npos) << r.out;
    // A corrupted image is refused with the field at fault.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.put('\x7f');
    f.close();
    const CliResult bad = run_cli({"disasm", path});
    EXPECT_EQ(bad.rc, 2);
    EXPECT_EQ(bad.err, "bpfnic: error: " + path + ": checksum mismatch (crc32)\n");
}

TEST(CliCompile, RefusalsAndBadOptions) {
    const CliResult t = run_cli({"compile", example("tail_call"), "--prog", "xdp_dispatch"});
    EXPECT_EQ(t.rc, 4) << t.out << t.err;
    EXPECT_NE(t.out.find("not offloadable: instruction "), std::string::npos) << t.out;
    EXPECT_NE(t.out.find("prog_array"), std::string::npos) << t.out;
    const CliResult lanes = run_cli({"compile", example("xdp1"), "--lanes", "9"});
    EXPECT_EQ(lanes.rc, 2);
    EXPECT_NE(lanes.err.find("--lanes 9 outside 1..8"), std::string::npos) << lanes.err;
    const CliResult pass = run_cli({"compile", example("xdp1"), "--dump-after", "nosuch"});
    EXPECT_EQ(pass.rc, 2);
    EXPECT_NE(pass.err.find("no pass named 'nosuch'"), std::string::npos) << pass.err;
    const CliResult missing = run_cli({"compile", "/nonexistent.o"});
    EXPECT_EQ(missing.rc, 3) << missing.err;
}

TEST(CliRun, TraceWritesAWaveformOfAHardwareRun) {
    const std::string path = ::testing::TempDir() + "/xdp1.fst";
    std::filesystem::remove(path);
    const CliResult r = run_cli({"run", example("xdp1"), "--engine", "hw", "--gen", "count=3", "--trace", path});
#ifdef BPFNIC_HAVE_HW
    ASSERT_EQ(r.rc, 0) << r.err;
    ASSERT_TRUE(std::filesystem::exists(path));
    EXPECT_GT(std::filesystem::file_size(path), 100u);
#endif
    const CliResult sw = run_cli({"run", example("xdp1"), "--engine", "jit", "--gen", "count=3", "--trace", path});
    EXPECT_EQ(sw.rc, 2);
    EXPECT_NE(sw.err.find("--trace needs the hardware engine"), std::string::npos) << sw.err;
}

}  // namespace
}  // namespace bpfnic::testing
