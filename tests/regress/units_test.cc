// SPDX-License-Identifier: MIT
// The pieces of bpfnic regress/merge on their own: fixed-bucket histograms merge exactly, the
// shard split is deterministic, complete and balanced, flow parts ignore direction, suites expand
// into the documented ids and refuse malformed input with a message naming the field.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>

#include "compiler/error.h"
#include "driver/traffic/generator.h"
#include "host/regress/expect.h"
#include "host/regress/flow_part.h"
#include "host/regress/histogram.h"
#include "host/regress/shard.h"
#include "host/regress/suite.h"
#include "tests/cli/cli_runner.h"

namespace bpfnic::regress {
namespace {

using bpfnic::testing::TempDir;

TEST(RegressHistogram, BucketsAreExactBelow32ThenSixteenPerPowerOfTwo) {
    for (uint64_t v = 0; v < 32; ++v) EXPECT_EQ(Histogram::bucket_lower(v), v);
    EXPECT_EQ(Histogram::bucket_lower(32), 32u);
    EXPECT_EQ(Histogram::bucket_lower(33), 32u);  // width 2 in [32, 64)
    EXPECT_EQ(Histogram::bucket_lower(35), 34u);
    EXPECT_EQ(Histogram::bucket_lower(990), 960u);    // [512,1024): width 32
    EXPECT_EQ(Histogram::bucket_lower(1023), 992u);
    EXPECT_EQ(Histogram::bucket_lower(UINT64_MAX), UINT64_MAX - (uint64_t{1} << 59) + 1);
}

TEST(RegressHistogram, MergingPartsEqualsTheWhole) {
    std::mt19937_64 rng(7);
    Histogram whole, a, b, c;
    for (int i = 0; i < 5000; ++i) {
        const uint64_t v = rng() % (i % 3 ? 100 : 100000);
        whole.add(v);
        (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(v);
    }
    Histogram merged;
    merged.merge(c);
    merged.merge(a);
    merged.merge(b);
    EXPECT_EQ(merged, whole);
    EXPECT_EQ(merged.to_json(), whole.to_json());
    EXPECT_EQ(Histogram::from_json(whole.to_json(), "h"), whole);
    EXPECT_EQ(whole.count(), 5000u);
    EXPECT_LE(whole.quantile(0.5), whole.quantile(0.99));
    EXPECT_EQ(whole.quantile(1.0), Histogram::bucket_lower(whole.max()));
}

TEST(RegressHistogram, MalformedJsonNamesTheProblem) {
    nlohmann::json j = Histogram().to_json();
    j["buckets"] = {{33, 1}};
    j["count"] = 1;
    try {
        Histogram::from_json(j, "r.jsonl:3: histograms.insns_per_packet");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "r.jsonl:3: histograms.insns_per_packet: bucket 33 is not a bucket lower bound");
    }
}

std::vector<RegressCase> cases_with_costs(const std::vector<double>& costs) {
    std::vector<RegressCase> v;
    for (size_t i = 0; i < costs.size(); ++i) {
        RegressCase c;
        c.id = "c" + std::to_string(100 + i);
        c.cost = costs[i];
        v.push_back(c);
    }
    return v;
}

TEST(RegressShard, SplitIsDeterministicCompleteAndBalanced) {
    std::vector<double> costs;
    std::mt19937_64 rng(3);
    for (int i = 0; i < 200; ++i) costs.push_back(double(1 + rng() % 1000));
    const auto cases = cases_with_costs(costs);
    const auto s1 = assign_shards(cases, 8);
    EXPECT_EQ(s1, assign_shards(cases, 8));
    std::vector<double> load(8);
    for (size_t i = 0; i < cases.size(); ++i) {
        ASSERT_LT(s1[i], 8u);
        load[s1[i]] += cases[i].cost;
    }
    const double total = std::accumulate(load.begin(), load.end(), 0.0);
    const double biggest = *std::max_element(costs.begin(), costs.end());
    // Longest-first greedy: no shard exceeds the mean by more than the largest case.
    for (double l : load) EXPECT_LE(l, total / 8 + biggest);
    // The input order does not matter, only the ids and costs.
    auto reversed = cases;
    std::reverse(reversed.begin(), reversed.end());
    const auto s2 = assign_shards(reversed, 8);
    for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(s1[i], s2[cases.size() - 1 - i]);
}

TEST(RegressShard, ParsesIOfN) {
    EXPECT_EQ(parse_shard("3/16").index, 3u);
    EXPECT_EQ(parse_shard("3/16").count, 16u);
    EXPECT_EQ(parse_shard("0/1").count, 1u);
    for (const char* bad : {"4/4", "1", "/2", "a/2", "1/0", "-1/3"}) {
        try {
            parse_shard(bad);
            ADD_FAILURE() << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::BadInput);
            EXPECT_NE(std::string(e.what()).find(std::string("--shard '") + bad + "'"), std::string::npos) << e.what();
        }
    }
}

// The reply direction of a generated frame: addresses and ports swapped.
std::vector<uint8_t> reversed_frame(std::vector<uint8_t> f, bool ipv6, bool vlan) {
    const size_t ip = 14 + (vlan ? 4 : 0);
    const size_t alen = ipv6 ? 16 : 4, src = ip + (ipv6 ? 8 : 12), l4 = ip + (ipv6 ? 40 : 20);
    for (size_t i = 0; i < alen; ++i) std::swap(f[src + i], f[src + alen + i]);
    std::swap(f[l4], f[l4 + 2]);
    std::swap(f[l4 + 1], f[l4 + 3]);
    return f;
}

TEST(RegressFlowPart, BothDirectionsOfAFlowShareAPart) {
    const TrafficGenerator gen(parse_traffic_spec("count=300,mix=tcp:50/udp:50,ipv6=40,vlan=30,flows=50,seed=9"));
    std::set<uint32_t> parts_seen;
    for (uint64_t i = 0; i < gen.count(); ++i) {
        const GeneratedPacket p = gen.packet(i);
        const auto back = reversed_frame(p.bytes, p.ipv6, p.vlan);
        EXPECT_NE(back, p.bytes);
        EXPECT_EQ(flow_hash(p.bytes), flow_hash(back)) << i;
        parts_seen.insert(flow_part(p.bytes, 4));
        // Packets of one flow, protocol and IP version always land together.
        for (uint64_t j = 0; j < i; ++j) {
            const GeneratedPacket q = gen.packet(j);
            if (q.flow == p.flow && q.proto == p.proto && q.ipv6 == p.ipv6) {
                EXPECT_EQ(flow_hash(q.bytes), flow_hash(p.bytes)) << i << " " << j;
                break;
            }
        }
    }
    EXPECT_EQ(parts_seen.size(), 4u);
    EXPECT_EQ(flow_hash(std::vector<uint8_t>(10, 0)), 0u);  // not even Ethernet
}

std::string write_suite(const TempDir& tmp, const std::string& text) {
    const std::string p = tmp.file("suite.json");
    std::ofstream(p) << text;
    return p;
}

TEST(RegressSuite, ExpandsEnginesConfigsAndFlowParts) {
    TempDir tmp;
    const std::string p = write_suite(tmp, R"({
      "suite": "t",
      "configs": {"a": {"lanes": 2}, "b": {"lanes": 4, "cores": 2, "mem_latency": 3}},
      "defaults": {"traffic": {"gen": "count=10"}},
      "cases": [
        {"name": "one", "object": "${examples}/x.o", "engines": ["interp", "hw"], "configs": ["a", "b"]},
        {"name": "two", "object": "rel/y.o", "engines": ["xcheck"], "configs": ["b"], "maps": "per-flow", "flow_parts": 2,
         "traffic": {"gen": "count=10,seed=5"}}
      ]})");
    const Suite s = load_suite(p, "/ex");
    std::vector<std::string> ids;
    for (const auto& c : s.cases) ids.push_back(c.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"one/hw/a", "one/hw/b", "one/interp", "two/xcheck/b/flow0of2", "two/xcheck/b/flow1of2"}));
    EXPECT_EQ(s.name, "t");
    EXPECT_EQ(s.examples_dir, "/ex");
    const RegressCase& one = *s.find("one/hw/b");
    EXPECT_EQ(one.object, "/ex/x.o");
    EXPECT_EQ(one.config->lanes, 4u);
    EXPECT_EQ(one.config->cores, 2u);
    EXPECT_EQ(one.config->mem_latency, 3u);
    EXPECT_FALSE(s.find("one/interp")->config.has_value());
    // Seeded from the case name unless the spec names a seed; the same for every engine.
    EXPECT_EQ(one.input, s.find("one/interp")->input);
    EXPECT_NE(one.input.find(",seed=" + std::to_string(fnv1a("one"))), std::string::npos) << one.input;
    const RegressCase& two = *s.find("two/xcheck/b/flow1of2");
    EXPECT_EQ(two.input, "count=10,mix=tcp:60/udp:30/icmp:10,sizes=64-1500,flows=16,ipv6=10,vlan=5,seed=5");
    EXPECT_EQ(two.group, "two/xcheck/b");
    EXPECT_EQ(two.part, 1u);
    EXPECT_EQ(two.object, (tmp.path() / "rel/y.o").string());
    EXPECT_DOUBLE_EQ(two.cost, 10 * 201.5 / 2);
}

void expect_suite_error(const std::string& text, const std::string& message) {
    TempDir tmp;
    const std::string p = write_suite(tmp, text);
    try {
        load_suite(p, "/ex");
        ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_EQ(std::string(e.what()), p + ": " + message);
    }
}

TEST(RegressSuite, RefusesMalformedSuitesNamingTheField) {
    expect_suite_error(R"({"cases": []})", "cases: expected a non-empty array");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o", "engine": ["interp"]}]})",
                       "cases[0]: unknown key 'engine' (known: name, object, program, traffic, engines, configs, expect, maps, "
                       "flow_parts, map_init, repeat, verify, cost)");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o", "engines": ["fpga"]}]})",
                       "case 'a'.engines: unknown engine 'fpga' (known: interp, jit, hw, xcheck)");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o", "flow_parts": 4}]})",
                       "case 'a'.flow_parts: a trace may be split by flow only when the module's maps are per-flow (\"maps\": \"per-flow\")");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o", "configs": ["big"]}]})",
                       "case 'a'.configs: no configuration named 'big'");
    expect_suite_error(R"({"configs": {"c": {"lanes": 0}}, "cases": [{"name": "a", "object": "x.o"}]})",
                       "configs.c.lanes: 0 is out of range 1..64");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o", "traffic": {"gen": "count=0"}}]})",
                       "case 'a'.traffic.gen: traffic spec: key 'count': 0 is out of range (1..1000000000)");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o"}, {"name": "a", "object": "y.o"}]})",
                       "case 'a': a case of that name already exists");
    expect_suite_error(R"({"cases": [{"name": "a b", "object": "x.o"}]})",
                       "cases[0].name: 'a b': a case name is 1..64 of [A-Za-z0-9_.-]");
    expect_suite_error(R"({"cases": [{"name": "a", "object": "x.o", "expect": {"verdicts": {"dropped": 1}}}]})",
                       "case 'a'.expect.verdicts: unknown key 'dropped' (known: aborted, drop, pass, tx, redirect, invalid)");
}

TEST(RegressExpect, ReportsEachUnmetExpectation) {
    Outcome o;
    o.packets = 10;
    o.verdicts = {{"drop", 7}, {"pass", 3}};
    EXPECT_TRUE(unmet_expectations(nullptr, o).empty());
    EXPECT_TRUE(unmet_expectations({{"packets", 10}, {"verdicts", {{"drop", 7}}}}, o).empty());
    EXPECT_EQ(unmet_expectations({{"packets", 11}, {"verdicts", {{"drop", 7}, {"tx", 1}}}}, o),
              (std::vector<std::string>{"packets: expected 11, got 10", "verdict tx: expected 1, got 0"}));
    EXPECT_EQ(unmet_expectations({{"error", "rejected"}}, o),
              (std::vector<std::string>{"expected a 'rejected' error, but the case ran to the end"}));
    o.error = "runtime";
    EXPECT_EQ(unmet_expectations({{"error", "rejected"}}, o), (std::vector<std::string>{"expected a 'rejected' error, got 'runtime'"}));
    EXPECT_TRUE(unmet_expectations({{"error", "runtime"}}, o).empty());
}

}  // namespace
}  // namespace bpfnic::regress
