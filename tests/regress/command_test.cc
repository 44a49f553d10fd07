// SPDX-License-Identifier: MIT
// bpfnic regress and merge run as a user runs them: the shards of a suite merged give the same
// result as the unsharded run (and as --jobs), records can be repeated alone from their repro
// command, and the exit codes tell pass, failure and infrastructure error apart.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_runner.h"

namespace bpfnic::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kSmoke = std::string(BPFNIC_REGRESS_DIR) + "/suites/smoke.json";

std::vector<json> read_jsonl(const std::string& path) {
    std::vector<json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(json::parse(line));
    return out;
}

json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

// The merged result without wall-clock facts and input file names.
json deterministic(json merged) {
    merged.erase("wall");
    merged.erase("inputs");
    return merged;
}

// A record without what depends on the shard or the clock.
json record_core(json r) {
    r.erase("shard");
    r.erase("wall");
    return r;
}

CliResult regress(std::vector<std::string> args) {
    args.insert(args.begin(), "regress");
    args.insert(args.end(), {"--examples", BPFNIC_EXAMPLES_DIR});
    return run_cli(args);
}

TEST(RegressCommand, ShardsMergedEqualTheUnshardedRun) {
    TempDir tmp;
    const CliResult all = regress({kSmoke, "--out", tmp.file("all.jsonl")});
    ASSERT_EQ(all.rc, 0) << all.out << all.err;
    EXPECT_NE(all.out.find("suite smoke: 28 of 28 cases: 28 passed, 0 failed, 0 could not run -> pass"), std::string::npos) << all.out;

    std::vector<std::string> shard_files;
    std::set<std::string> seen;
    for (int i = 0; i < 4; ++i) {
        const std::string f = tmp.file("shard-" + std::to_string(i) + ".jsonl");
        const CliResult r = regress({kSmoke, "--shard", std::to_string(i) + "/4", "--out", f});
        ASSERT_EQ(r.rc, 0) << r.out << r.err;
        for (const json& rec : read_jsonl(f)) {
            EXPECT_TRUE(seen.insert(rec["case"]).second) << "case in two shards: " << rec["case"];
            EXPECT_EQ(rec["shard"], json({i, 4}));
        }
        shard_files.push_back(f);
    }
    EXPECT_EQ(seen.size(), 28u);

    // Same records case by case.
    std::map<std::string, json> unsharded;
    for (const json& r : read_jsonl(tmp.file("all.jsonl"))) unsharded[r["case"]] = record_core(r);
    for (const auto& f : shard_files)
        for (const json& r : read_jsonl(f)) EXPECT_EQ(record_core(r), unsharded.at(r["case"])) << r["case"];

    // And the same merged result, histograms included.
    std::vector<std::string> merge_args = {"merge"};
    merge_args.insert(merge_args.end(), shard_files.rbegin(), shard_files.rend());
    merge_args.insert(merge_args.end(), {"--json", tmp.file("sharded.json"), "--markdown", tmp.file("sharded.md")});
    const CliResult m1 = run_cli(merge_args);
    ASSERT_EQ(m1.rc, 0) << m1.out << m1.err;
    const CliResult m2 = run_cli({"merge", tmp.file("all.jsonl"), "--json", tmp.file("unsharded.json")});
    ASSERT_EQ(m2.rc, 0) << m2.out << m2.err;
    const json sharded = read_json(tmp.file("sharded.json")), whole = read_json(tmp.file("unsharded.json"));
    EXPECT_EQ(deterministic(sharded), deterministic(whole));
    EXPECT_EQ(sharded["status"], "pass");
    EXPECT_EQ(sharded["cases_run"], 28);

    // Flow parts add up to the whole trace, and its histogram holds every packet.
    bool found = false;
    for (const json& g : sharded["groups"]) {
        if (g["group"] != "firewall/xcheck/base") continue;
        found = true;
        EXPECT_EQ(g["parts_run"], 4);
        EXPECT_EQ(g["packets"], 400);
        EXPECT_EQ(g["verdicts"]["pass"], 400);
        EXPECT_EQ(g["status"], "pass");
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(sharded["histograms"]["firewall/xcheck/base"]["insns_per_packet"]["count"], 400);
    const std::string md = slurp(tmp.file("sharded.md"));
    EXPECT_EQ(md.rfind("# Regression results: smoke\n\n**pass**: 28 of 28 cases run", 0), 0u) << md;
    EXPECT_NE(md.find("| `firewall/xcheck/base` | 4/4 | 400 | pass 400 | pass |"), std::string::npos) << md;
}

TEST(RegressCommand, LocalJobsUseTheSameShardAndMergePath) {
    TempDir tmp;
    const CliResult all = regress({kSmoke, "--out", tmp.file("all.jsonl")});
    ASSERT_EQ(all.rc, 0) << all.err;
    const CliResult jobs = regress({kSmoke, "--jobs", "3", "--out", tmp.file("jobs.jsonl")});
    ASSERT_EQ(jobs.rc, 0) << jobs.out << jobs.err;
    EXPECT_NE(jobs.out.find("28 passed"), std::string::npos) << jobs.out;
    const auto a = read_jsonl(tmp.file("all.jsonl")), b = read_jsonl(tmp.file("jobs.jsonl"));
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(record_core(a[i]), record_core(b[i]));
    // Only the results file is left: the shard files and logs are cleaned up.
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(tmp.path())) entries += e.path().filename() != "out" && e.path().filename() != "err";
    EXPECT_EQ(entries, 2u);
}

TEST(RegressCommand, ListShowsTheSplit) {
    const CliResult r = regress({kSmoke, "--shard", "1/4", "--list"});
    ASSERT_EQ(r.rc, 0) << r.err;
    EXPECT_NE(r.out.find("  shard 1/4  cost "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("shard 0/4"), std::string::npos) << r.out;
}

std::string write_suite(const TempDir& tmp, const std::string& text) {
    const std::string p = tmp.file("suite.json");
    std::ofstream(p) << text;
    return p;
}

TEST(RegressCommand, FailedExpectationExitsTenWithARepro) {
    TempDir tmp;
    const std::string suite = write_suite(tmp, R"({"suite": "bad", "cases": [
        {"name": "drop", "object": "${examples}/xdp_drop.o", "traffic": {"gen": "count=20"},
         "expect": {"verdicts": {"pass": 20}}},
        {"name": "ok", "object": "${examples}/xdp_pass.o", "traffic": {"gen": "count=20"}, "expect": {"verdicts": {"pass": 20}}}]})");
    const CliResult r = regress({suite, "--out", tmp.file("r.jsonl")});
    EXPECT_EQ(r.rc, 10) << r.out << r.err;
    EXPECT_NE(r.out.find("FAIL  drop/interp  20 packets"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("        verdict pass: expected 20, got 0\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 passed, 1 failed, 0 could not run -> fail"), std::string::npos) << r.out;
    const auto recs = read_jsonl(tmp.file("r.jsonl"));
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[0]["status"], "fail");
    const std::string repro = recs[0]["repro"];
    EXPECT_NE(repro.find(" regress " + fs::absolute(suite).lexically_normal().string() + " --case drop/interp --examples "), std::string::npos)
        << repro;

    // The repro command runs that case alone and gives the same record.
    const std::string again = tmp.file("again.jsonl");
    const int status = std::system((repro + " --out " + shell_quote(again) + " > /dev/null").c_str());
    EXPECT_EQ(WEXITSTATUS(status), 10);
    const auto one = read_jsonl(again);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(record_core(one[0]), record_core(recs[0]));

    const CliResult m = run_cli({"merge", tmp.file("r.jsonl"), "--markdown", tmp.file("m.md")});
    EXPECT_EQ(m.rc, 10);
    EXPECT_NE(slurp(tmp.file("m.md")).find("| `drop/interp` | fail | verdict pass: expected 20, got 0 | `"), std::string::npos);
}

TEST(RegressCommand, MissingInputIsAnInfrastructureError) {
    TempDir tmp;
    const std::string suite = write_suite(tmp, R"({"cases": [
        {"name": "gone", "object": "nothing_here.o"},
        {"name": "bad", "object": "${examples}/xdp_drop.o", "expect": {"verdicts": {"tx": 1}}}]})");
    const CliResult r = regress({suite, "--out", tmp.file("r.jsonl")});
    EXPECT_EQ(r.rc, 11) << r.out << r.err;
    EXPECT_NE(r.out.find("ERROR gone/interp  0 packets"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("        not_found: " + (tmp.path() / "nothing_here.o").string() + ": no such file"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 passed, 1 failed, 1 could not run -> error"), std::string::npos) << r.out;
}

TEST(RegressCommand, ExpectedErrorPasses) {
    TempDir tmp;
    const std::string suite = write_suite(tmp, R"({"cases": [
        {"name": "unsafe", "object": ")" + std::string(BPFNIC_BINARY_DIR) + R"(/tests/cli/unchecked_access.o",
         "traffic": {"gen": "count=5"}, "expect": {"error": "rejected"}}]})");
    const CliResult r = regress({suite});
    EXPECT_EQ(r.rc, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("PASS  unsafe/interp  0 packets"), std::string::npos) << r.out;
}

TEST(RegressCommand, MergeReportsMissingShardsAndSplitTraceFailures) {
    TempDir tmp;
    const std::string suite = write_suite(tmp, R"({"suite": "fw", "cases": [
        {"name": "fw", "object": "${examples}/simple_firewall.o", "traffic": {"gen": "count=100,flows=20"},
         "maps": "per-flow", "flow_parts": 3, "expect": {"verdicts": {"drop": 1}}}]})");
    std::vector<std::string> files;
    for (int i = 0; i < 3; ++i) {
        files.push_back(tmp.file("s" + std::to_string(i) + ".jsonl"));
        const CliResult r = regress({suite, "--shard", std::to_string(i) + "/3", "--out", files.back()});
        // A part alone cannot check the whole trace's expectation: each shard passes.
        EXPECT_EQ(r.rc, 0) << r.out << r.err;
    }
    const CliResult partial = run_cli({"merge", files[0], files[2], "--json", tmp.file("p.json")});
    EXPECT_EQ(partial.rc, 11) << partial.out;
    EXPECT_NE(partial.out.find("  MISSING fw/interp/flow1of3\n"), std::string::npos) << partial.out;
    const json p = read_json(tmp.file("p.json"));
    EXPECT_EQ(p["status"], "incomplete");
    EXPECT_EQ(p["groups"][0]["status"], "incomplete");

    const CliResult full = run_cli({"merge", files[0], files[1], files[2], "--json", tmp.file("f.json")});
    EXPECT_EQ(full.rc, 10) << full.out;
    EXPECT_NE(full.out.find("FAIL  fw/interp: verdict drop: expected 1, got 0"), std::string::npos) << full.out;
    EXPECT_NE(full.out.find(" --case fw/interp/flow0of3 --examples "), std::string::npos) << full.out;
    EXPECT_EQ(read_json(tmp.file("f.json"))["counts"]["groups_failed"], 1);

    // The same file twice is refused.
    const CliResult twice = run_cli({"merge", files[0], files[0]});
    EXPECT_EQ(twice.rc, 2);
    EXPECT_NE(twice.err.find("is also in " + files[0] + ":1 (the same results given twice?)"), std::string::npos) << twice.err;
}

TEST(RegressCommand, ResultsOfDifferentSuitesDoNotMerge) {
    TempDir tmp;
    const CliResult a = regress({kSmoke, "--case", "xdp_drop/interp", "--out", tmp.file("a.jsonl")});
    ASSERT_EQ(a.rc, 0) << a.err;
    const std::string suite = write_suite(tmp, R"({"suite": "other", "cases": [{"name": "x", "object": "${examples}/xdp_pass.o"}]})");
    ASSERT_EQ(regress({suite, "--out", tmp.file("b.jsonl")}).rc, 0);
    const CliResult m = run_cli({"merge", tmp.file("a.jsonl"), tmp.file("b.jsonl")});
    EXPECT_EQ(m.rc, 2);
    EXPECT_NE(m.err.find(tmp.file("b.jsonl") + ":1: record of suite 'other'"), std::string::npos) << m.err;
}

TEST(RegressCommand, UsageErrors) {
    EXPECT_EQ(regress({kSmoke, "--shard", "4/4"}).rc, 2);
    const CliResult unknown = regress({kSmoke, "--case", "nope"});
    EXPECT_EQ(unknown.rc, 3);
    EXPECT_EQ(unknown.err, "bpfnic: error: " + kSmoke + ": no case 'nope' (see 'bpfnic regress SUITE --list')\n");
    EXPECT_EQ(regress({kSmoke, "--jobs", "2", "--shard", "0/2"}).rc, 2);
    EXPECT_EQ(run_cli({"merge"}).rc, 2);
    EXPECT_EQ(run_cli({"merge", "/nonexistent.jsonl"}).rc, 3);
    for (const char* sub : {"regress", "merge"}) {
        const CliResult h = run_cli({sub, "--help"});
        EXPECT_EQ(h.rc, 0);
        EXPECT_EQ(h.out.rfind(std::string("Usage: bpfnic ") + sub, 0), 0u) << h.out;
    }
}

}  // namespace
}  // namespace bpfnic::testing
