// SPDX-License-Identifier: MIT
// A real single-node Slurm cluster on loopback (scripts/slurm/local_cluster.sh: munged, slurmctld
// and slurmd in a temporary folder): the smoke suite submitted with scripts/slurm/submit.sh as an
// array of 4 shards and a dependent merge job; the merged result must equal the unsharded run.
// Skips when Slurm or munge is not installed or its daemons cannot start here; always stops the
// daemons it started.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kScripts = std::string(BPFNIC_SOURCE_DIR) + "/scripts/slurm";
const std::string kSmoke = std::string(BPFNIC_REGRESS_DIR) + "/suites/smoke.json";

/// Runs a shell command; returns its exit code, its output (stdout and stderr) in *out.
int shell(const std::string& cmd, std::string* out) {
    TempDir tmp;
    const int status = std::system((cmd + " > " + shell_quote(tmp.file("o")) + " 2>&1 < /dev/null").c_str());
    if (out) *out = slurp(tmp.file("o"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/// The cluster's daemons, stopped (by their pid files) when this goes out of scope.
class LocalCluster {
public:
    explicit LocalCluster(const fs::path& dir) : dir_(dir) {}
    ~LocalCluster() {
        shell(shell_quote(kScripts + "/local_cluster.sh") + " stop " + shell_quote(dir_.string()), nullptr);
        if (old_conf_) ::setenv("SLURM_CONF", old_conf_->c_str(), 1);
        else ::unsetenv("SLURM_CONF");
    }
    /// Empty on success, else why the cluster could not start.
    std::string start() {
        if (const char* c = std::getenv("SLURM_CONF")) old_conf_ = c;
        std::string out;
        const int rc = shell(shell_quote(kScripts + "/local_cluster.sh") + " start " + shell_quote(dir_.string()) + " 20", &out);
        if (rc != 0) return "exit " + std::to_string(rc) + ": " + out;
        ::setenv("SLURM_CONF", (dir_ / "slurm.conf").c_str(), 1);
        return "";
    }

private:
    fs::path dir_;
    std::optional<std::string> old_conf_;
};

json deterministic(json merged) {
    merged.erase("wall");
    merged.erase("inputs");
    return merged;
}

std::string logs_of(const fs::path& dir) {
    std::string s;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec))
        if (e.path().extension() == ".log") s += "== " + e.path().string() + "\n" + slurp(e.path());
    return s;
}

TEST(RegressSlurm, ArrayOfFourShardsThenMergeEqualsTheUnshardedRun) {
    TempDir tmp;
    const auto t0 = std::chrono::steady_clock::now();
    LocalCluster cluster(tmp.path() / "cluster");
    if (const std::string why = cluster.start(); !why.empty())
        GTEST_SKIP() << "a single-node Slurm cluster could not start here (needs Debian's slurm-wlm and munge, "
                        "and the rights to run munged, slurmctld and slurmd): "
                     << why;

    const fs::path out = tmp.path() / "results";
    std::string submitted;
    const std::string env = "BPFNIC=" + shell_quote(BPFNIC_EXE) + " BPFNIC_EXAMPLES=" + shell_quote(BPFNIC_EXAMPLES_DIR) + " ";
    ASSERT_EQ(shell(env + shell_quote(kScripts + "/submit.sh") + " " + shell_quote(kSmoke) + " 4 " + shell_quote(out.string()), &submitted), 0)
        << submitted;
    EXPECT_NE(submitted.find("submitted: shards as array job "), std::string::npos) << submitted;

    // Wait for the merge job (bounded): it writes merge.rc, or leaves the queue without it.
    std::string merge_job = slurp(out / "merge.jobid");
    merge_job.erase(merge_job.find_last_not_of(" \n") + 1);
    ASSERT_FALSE(merge_job.empty());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
    bool done = false;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        if (fs::exists(out / "merge.rc")) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the file is written whole by then
            done = true;
            break;
        }
        std::string queue;
        if (shell("squeue -h -j " + merge_job, &queue) == 0 && queue.find_first_not_of(" \n") == std::string::npos &&
            !fs::exists(out / "merge.rc"))
            break;  // gone without merging
    }
    ASSERT_TRUE(done) << "the merge job did not finish within 45 s\n" << logs_of(tmp.path());
    EXPECT_EQ(slurp(out / "merge.rc"), "0\n") << logs_of(out);
    for (int i = 0; i < 4; ++i) EXPECT_TRUE(fs::exists(out / ("shard-" + std::to_string(i) + ".jsonl"))) << i;
    EXPECT_NE(slurp(out / "summary.md").find("# Regression results: smoke"), std::string::npos);

    // The same suite unsharded, on this machine.
    const CliResult all = run_cli({"regress", kSmoke, "--examples", BPFNIC_EXAMPLES_DIR, "--out", tmp.file("all.jsonl")});
    ASSERT_EQ(all.rc, 0) << all.err;
    const CliResult m = run_cli({"merge", tmp.file("all.jsonl"), "--json", tmp.file("unsharded.json")});
    ASSERT_EQ(m.rc, 0) << m.err;
    std::ifstream a(out / "merged.json"), b(tmp.file("unsharded.json"));
    const json cluster_result = json::parse(a), local_result = json::parse(b);
    EXPECT_EQ(cluster_result["cases_run"], 28);
    EXPECT_EQ(deterministic(cluster_result), deterministic(local_result));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
}

}  // namespace
}  // namespace bpfnic::testing
