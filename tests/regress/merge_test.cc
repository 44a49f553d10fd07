// SPDX-License-Identifier: MIT
// merge_records on hand-made records: hardware cycles of flow parts merge into one exact histogram
// and throughput row (clock x cores / cycles per packet), any order gives the same result, and the
// results file is replaced whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "compiler/error.h"
#include "host/exit_code.h"
#include "host/regress/histogram.h"
#include "host/regress/merge.h"
#include "host/regress/records.h"
#include "tests/cli/cli_runner.h"

namespace bpfnic::regress {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A finished hardware case (one flow part of "tun/hw/wide") whose packets took these cycles.
SourcedRecord hw_part(uint32_t part, const std::vector<uint64_t>& cycles) {
    Histogram h;
    uint64_t sum = 0;
    for (uint64_t c : cycles) {
        h.add(c);
        sum += c;
    }
    json r = {{"schema", 1}, {"suite", "s"}, {"suite_digest", "0123456789abcdef"}, {"suite_cases", 2},
              {"shard", {part, 2}}, {"case", "tun/hw/wide/flow" + std::to_string(part) + "of2"}, {"group", "tun/hw/wide"},
              {"part", {part, 2}}, {"engine", "hw"}, {"status", "pass"}, {"reasons", json::array()},
              {"config", {{"name", "wide"}, {"lanes", 4}, {"cores", 4}, {"mem_latency", nullptr}, {"map_latency", nullptr}}},
              {"packets", cycles.size()}, {"verdicts", {{"pass", cycles.size()}, {"tx", 0}}}, {"cycles", sum},
              {"instructions_executed", nullptr}, {"mismatches", nullptr}, {"offloaded", true}, {"error", nullptr},
              {"expect", {{"verdicts", {{"pass", 5}}}}}, {"repro", "bpfnic regress s.json --case x"},
              {"histograms", {{"insns_per_packet", nullptr}, {"cycles_per_packet", h.to_json()}}},
              {"wall", {{"seconds", 0.5}, {"ns_per_packet", {{"hw", 1000.0 + part}}}}}};
    return {r, "part" + std::to_string(part)};
}

TEST(RegressMerge, HardwareCyclesOfFlowPartsMergeExactly) {
    const std::vector<SourcedRecord> recs = {hw_part(0, {100, 120, 100}), hw_part(1, {200, 40})};
    const MergeResult m = merge_records(recs, {});
    EXPECT_EQ(m.exit_code, exit_code::kOk);
    const json& res = m.result;
    EXPECT_EQ(res["status"], "pass");
    ASSERT_EQ(res["groups"].size(), 1u);
    EXPECT_EQ(res["groups"][0]["packets"], 5);
    EXPECT_EQ(res["groups"][0]["verdicts"]["pass"], 5);
    EXPECT_EQ(res["groups"][0]["status"], "pass");

    Histogram whole;
    for (uint64_t c : {100, 120, 100, 200, 40}) whole.add(c);
    EXPECT_EQ(res["histograms"]["tun/hw/wide"]["cycles_per_packet"], whole.to_json());
    EXPECT_TRUE(res["histograms"]["tun/hw/wide"]["insns_per_packet"].is_null());

    ASSERT_EQ(res["throughput"].size(), 1u);
    const json& t = res["throughput"][0];
    EXPECT_EQ(t["config"], "wide");
    EXPECT_EQ(t["cores"], 4);
    EXPECT_DOUBLE_EQ(t["cycles_per_packet"].get<double>(), 112.0);  // 560 cycles / 5 packets
    EXPECT_DOUBLE_EQ(t["mpps_at_mhz"]["250"].get<double>(), 250.0 * 4 / 112.0);
    EXPECT_DOUBLE_EQ(t["mpps_at_mhz"]["156.25"].get<double>(), 156.25 * 4 / 112.0);
    EXPECT_EQ(t["cycles_p50"], Histogram::bucket_lower(100));

    // Order of the records does not matter.
    const std::vector<SourcedRecord> reversed = {recs[1], recs[0]};
    EXPECT_EQ(merge_records(reversed, {}).result, res);

    // Markdown carries the throughput table.
    const std::string md = merged_markdown(res);
    EXPECT_NE(md.find("| `tun/hw/wide` | wide | 4 | 4 | 112.0 | 100 | 200 | 5.58 | 8.93 |"), std::string::npos) << md;
}

TEST(RegressMerge, SplitTraceExpectationUsesTheSum) {
    std::vector<SourcedRecord> recs = {hw_part(0, {1, 2}), hw_part(1, {3, 4})};  // 4 packets, 5 expected
    const MergeResult m = merge_records(recs, {});
    EXPECT_EQ(m.exit_code, exit_code::kRegressFailed);
    EXPECT_EQ(m.result["counts"]["groups_failed"], 1);
    EXPECT_EQ(m.result["failures"][0]["reasons"], json({"verdict pass: expected 5, got 4"}));
    // One part only: incomplete, not failed.
    const MergeResult half = merge_records({recs[0]}, {});
    EXPECT_EQ(half.exit_code, exit_code::kRegressInfra);
    EXPECT_EQ(half.result["groups"][0]["status"], "incomplete");
    // As a shard's own summary (partial), a lone part is neither missing nor failed.
    MergeOptions partial;
    partial.partial = true;
    EXPECT_EQ(merge_records({recs[0]}, partial).exit_code, exit_code::kOk);
}

TEST(RegressMerge, MalformedRecordsNameFileAndLine) {
    SourcedRecord r = hw_part(0, {1});
    r.record["status"] = "maybe";
    r.where = "shard-0.jsonl:3";
    try {
        merge_records({r}, {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "shard-0.jsonl:3: status 'maybe' is not pass, fail or error");
    }
}

TEST(RegressRecords, AtomicWriteReplacesTheWholeFileAndLeavesNoTemporary) {
    bpfnic::testing::TempDir tmp;
    const std::string f = tmp.file("r.jsonl");
    write_records_atomic(f, {json{{"a", 1}}, json{{"b", 2}}, json{{"c", 3}}});
    write_records_atomic(f, {json{{"d", 4}}});
    const auto back = read_records(f);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].record, json({{"d", 4}}));
    EXPECT_EQ(back[0].where, f + ":1");
    EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
    try {
        write_records_atomic(tmp.file("no/such/dir/r.jsonl"), {});
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), tmp.file("no/such/dir/r.jsonl") + ": cannot write the results (create: No such file or directory)");
    }
    std::ofstream(tmp.file("bad.jsonl")) << "{\"a\": 1}\n\n[1]\n";
    try {
        read_records(tmp.file("bad.jsonl"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), tmp.file("bad.jsonl") + ":3: a record must be a JSON object");
    }
}

}  // namespace
}  // namespace bpfnic::regress
