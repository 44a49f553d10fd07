// SPDX-License-Identifier: MIT
// bpfnic map update: edits a report's map with the kernel's update rules, and the next run
// starts from the edited contents.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

using nlohmann::json;

json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

TEST(CliMapUpdate, KernelRulesAndTheNextRunSeesIt) {
    const std::string report = ::testing::TempDir() + "/update_report.json";
    ASSERT_EQ(run_cli({"run", example("xdp1"), "--gen", "count=10,seed=3", "--report", report}).rc, 0);
    const CliResult ok = run_cli({"map", "update", "--report", report, "--map", "rxcnt", "--key", "06 00 00 00", "--value",
                                  "2a 00 00 00 00 00 00 00"});
    ASSERT_EQ(ok.rc, 0) << ok.err;
    const CliResult look = run_cli({"map", "lookup", "--report", report, "--map", "rxcnt", "--key", "06 00 00 00"});
    EXPECT_EQ(look.out, "key: 06 00 00 00  value: 2a 00 00 00 00 00 00 00\n");

    const CliResult big = run_cli({"map", "update", "--report", report, "--map", "rxcnt", "--key", "00 01 00 00", "--value",
                                   "01 00 00 00 00 00 00 00"});
    EXPECT_EQ(big.rc, 1);
    EXPECT_EQ(big.err, "bpfnic: error: map 'rxcnt': E2BIG: index 256 is beyond max_entries 256\n");
    const CliResult exists = run_cli({"map", "update", "--report", report, "--map", "rxcnt", "--key", "06 00 00 00",
                                      "--value", "01 00 00 00 00 00 00 00", "--flags", "noexist"});
    EXPECT_EQ(exists.rc, 1);
    EXPECT_EQ(exists.err, "bpfnic: error: map 'rxcnt': EEXIST: key 06 00 00 00 is present (--flags noexist)\n");
    const CliResult size = run_cli({"map", "update", "--report", report, "--map", "rxcnt", "--key", "06 00", "--value",
                                    "01 00 00 00 00 00 00 00"});
    EXPECT_EQ(size.rc, 2);
    EXPECT_EQ(size.err, "bpfnic: error: map 'rxcnt': EINVAL: the key has 2 bytes, the map 4\n");

    // The next run starts from the edited map (here: loaded, no traffic).
    const std::string map_file = ::testing::TempDir() + "/update_rxcnt.json";
    std::ofstream(map_file) << read_json(report)["maps"]["rxcnt"].dump();
    const CliResult next = run_cli({"map", "dump", example("xdp1"), "--init", "rxcnt=" + map_file, "--map", "rxcnt", "-j"});
    ASSERT_EQ(next.rc, 0) << next.err;
    bool found = false;
    const json dumped = json::parse(next.out);
    for (const auto& e : dumped["rxcnt"]["entries"])
        if (e["key"] == "06 00 00 00") found = e["value"] == "2a 00 00 00 00 00 00 00";
    EXPECT_TRUE(found) << next.out.substr(0, 400);
}

}  // namespace
}  // namespace bpfnic::testing
