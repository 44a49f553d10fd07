// SPDX-License-Identifier: MIT
// Merging result records.
#include "host/regress/merge.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "compiler/error.h"
#include "driver/report.h"
#include "host/exit_code.h"
#include "host/regress/expect.h"
#include "host/regress/histogram.h"
#include "host/regress/suite.h"

namespace bpfnic::regress {

using nlohmann::json;

namespace {

const char* const kVerdicts[] = {"aborted", "drop", "pass", "tx", "redirect", "invalid"};

bool is_count(const json& j) { return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0); }

void need(bool ok, const SourcedRecord& s, const std::string& why) {
    if (!ok) throw Error(ErrorKind::BadInput, s.where + ": " + why);
}

void check_record(const SourcedRecord& s) {
    const json& r = s.record;
    need(r.value("schema", 0) == 1, s, "not a result record of schema 1 (bpfnic regress --out writes them)");
    for (const char* k : {"case", "group", "status", "suite", "suite_digest", "engine", "repro"})
        need(r.contains(k) && r[k].is_string(), s, std::string("missing or non-string '") + k + "'");
    need(r.contains("suite_cases") && is_count(r["suite_cases"]), s, "missing 'suite_cases'");
    const std::string st = r["status"];
    need(st == "pass" || st == "fail" || st == "error", s, "status '" + st + "' is not pass, fail or error");
    need(r.contains("packets") && is_count(r["packets"]), s, "missing 'packets'");
    need(r.contains("reasons") && r["reasons"].is_array(), s, "missing 'reasons'");
}

uint64_t u64(const json& j, const char* key) { return j.contains(key) && is_count(j[key]) ? j[key].get<uint64_t>() : 0; }

std::optional<Histogram> histogram_of(const SourcedRecord& s, const char* which) {
    const json& r = s.record;
    if (!r.contains("histograms") || !r["histograms"].is_object()) return std::nullopt;
    const json& h = r["histograms"].value(which, json(nullptr));
    if (h.is_null()) return std::nullopt;
    return Histogram::from_json(h, s.where + ": histograms." + which);
}

// Everything known about one trace: a case, or the flow parts of one.
struct Group {
    std::string id;
    std::vector<const SourcedRecord*> parts;
    uint32_t parts_total = 1;
    std::optional<Histogram> insns, cycles;
    uint64_t packets = 0, mismatches = 0, cycles_sum = 0;
    bool have_cycles = false;
    json verdicts = json::object();
    std::map<std::string, std::pair<double, uint64_t>> ns;  // engine -> (ns * packets, packets)
};

std::vector<std::string> suite_case_ids(const std::string& path, const std::string& digest) {
    try {
        const Suite s = load_suite(path, "${examples}");
        if (s.digest != digest) return {};
        std::vector<std::string> ids;
        for (const auto& c : s.cases) ids.push_back(c.id);
        return ids;
    } catch (const std::exception&) {
        return {};
    }
}

json throughput_row(const Group& g, const json& first) {
    const json cfg = first.value("config", json(nullptr));
    const uint64_t cores = cfg.is_object() ? cfg.value("cores", uint64_t{1}) : 1;
    json row = {{"case", g.id}, {"engine", first["engine"]}, {"config", cfg.is_object() ? cfg["name"] : json(nullptr)},
                {"lanes", cfg.is_object() ? cfg["lanes"] : json(nullptr)}, {"cores", cores}, {"packets", g.packets}};
    const double cpp = g.packets ? double(g.cycles_sum) / double(g.packets) : 0.0;
    row["cycles_per_packet"] = cpp;
    row["cycles_p50"] = g.cycles ? g.cycles->quantile(0.5) : 0;
    row["cycles_p99"] = g.cycles ? g.cycles->quantile(0.99) : 0;
    json mpps = json::object();
    for (double mhz : kReportClocksMhz) {
        char key[16];
        std::snprintf(key, sizeof key, "%g", mhz);
        mpps[key] = cpp > 0 ? mhz * double(cores) / cpp : 0.0;
    }
    row["mpps_at_mhz"] = mpps;
    return row;
}

}  // namespace

MergeResult merge_records(const std::vector<SourcedRecord>& records, const MergeOptions& opts) {
    std::map<std::string, const SourcedRecord*> by_case;
    std::string suite, digest, suite_path;
    uint64_t cases_total = 0;
    for (const SourcedRecord& s : records) {
        check_record(s);
        const json& r = s.record;
        if (by_case.empty()) {
            suite = r["suite"];
            digest = r["suite_digest"];
            suite_path = r.value("suite_path", "");
            cases_total = r["suite_cases"];
        } else {
            need(r["suite_digest"] == digest, s,
                 "record of suite '" + r["suite"].get<std::string>() + "' (digest " + r["suite_digest"].get<std::string>() +
                     ") among records of suite '" + suite + "' (digest " + digest + "): results of different suites or versions");
        }
        const std::string id = r["case"];
        auto [it, fresh] = by_case.emplace(id, &s);
        need(fresh, s, "case '" + id + "' is also in " + (fresh ? "" : it->second->where) + " (the same results given twice?)");
    }

    json res;
    res["schema"] = 1;
    res["suite"] = suite;
    res["suite_digest"] = digest;
    res["cases_total"] = cases_total;
    res["cases_run"] = by_case.size();

    uint64_t n_pass = 0, n_fail = 0, n_error = 0;
    json failures = json::array(), cases = json::array();
    std::map<std::string, Group> groups;
    double wall_seconds = 0;
    for (const auto& [id, s] : by_case) {
        const json& r = s->record;
        const std::string st = r["status"];
        (st == "pass" ? n_pass : st == "fail" ? n_fail : n_error)++;
        if (st != "pass") failures.push_back({{"case", id}, {"status", st}, {"reasons", r["reasons"]}, {"repro", r["repro"]}});
        const json cfg = r.value("config", json(nullptr));
        json row = {{"case", id}, {"engine", r["engine"]}, {"config", cfg.is_object() ? cfg["name"] : json(nullptr)},
                    {"status", st}, {"packets", r["packets"]}, {"verdicts", r.value("verdicts", json(nullptr))},
                    {"mismatches", r.value("mismatches", json(nullptr))}, {"maps_digest", r.value("maps_digest", json(nullptr))}};
        const uint64_t packets = r["packets"];
        const json& ie = r.value("instructions_executed", json(nullptr));
        row["instructions_per_packet"] = ie.is_number() && packets ? json(double(ie.get<uint64_t>()) / double(packets)) : json(nullptr);
        const json& cy = r.value("cycles", json(nullptr));
        row["cycles_per_packet"] = cy.is_number() && packets ? json(double(cy.get<uint64_t>()) / double(packets)) : json(nullptr);
        cases.push_back(row);

        Group& g = groups[r["group"]];
        g.id = r["group"];
        g.parts.push_back(s);
        if (r.contains("part") && r["part"].is_array()) g.parts_total = r["part"][1];
        g.packets += packets;
        g.mismatches += u64(r, "mismatches");
        if (r.contains("verdicts") && r["verdicts"].is_object())
            for (const char* v : kVerdicts) g.verdicts[v] = g.verdicts.value(v, uint64_t{0}) + u64(r["verdicts"], v);
        if (auto h = histogram_of(*s, "insns_per_packet")) {
            if (!g.insns) g.insns.emplace();
            g.insns->merge(*h);
        }
        if (auto h = histogram_of(*s, "cycles_per_packet")) {
            if (!g.cycles) g.cycles.emplace();
            g.cycles->merge(*h);
        }
        if (cy.is_number()) {
            g.have_cycles = true;
            g.cycles_sum += cy.get<uint64_t>();
        }
        if (r.contains("wall") && r["wall"].is_object()) {
            wall_seconds += r["wall"].value("seconds", 0.0);
            const json ns_by_engine = r["wall"].value("ns_per_packet", json::object());
            for (const auto& [engine, ns] : ns_by_engine.items()) {
                if (!ns.is_number()) continue;
                auto& acc = g.ns[engine];
                acc.first += ns.get<double>() * double(packets);
                acc.second += packets;
            }
        }
    }

    // Flow-part groups: the whole trace's expectation is checked on the parts added up.
    uint64_t groups_failed = 0;
    json group_rows = json::array(), histograms = json::object(), throughput = json::array(), wall_rows = json::array();
    for (auto& [gid, g] : groups) {
        const json& first = g.parts.front()->record;
        histograms[gid] = {{"insns_per_packet", g.insns ? g.insns->to_json() : json(nullptr)},
                           {"cycles_per_packet", g.cycles ? g.cycles->to_json() : json(nullptr)}};
        if (g.have_cycles) throughput.push_back(throughput_row(g, first));
        for (const auto& [engine, acc] : g.ns) {
            const double ns = acc.second ? acc.first / double(acc.second) : 0.0;
            wall_rows.push_back({{"case", gid}, {"engine", engine}, {"ns_per_packet", ns}, {"mpps", ns > 0 ? 1000.0 / ns : 0.0}});
        }
        if (g.parts_total <= 1) continue;
        json row = {{"group", gid}, {"parts", g.parts_total}, {"parts_run", g.parts.size()}, {"packets", g.packets},
                    {"verdicts", g.verdicts}, {"mismatches", g.mismatches}};
        std::string status = "pass";
        std::vector<std::string> reasons;
        if (g.parts.size() < g.parts_total) {
            status = "incomplete";
        } else {
            Outcome o;
            o.packets = g.packets;
            o.verdicts = g.verdicts;
            o.mismatches = g.mismatches;
            o.offloaded = true;
            for (const SourcedRecord* p : g.parts) {
                const json& r = p->record;
                o.offloaded = o.offloaded && r.value("offloaded", false);
                if (!o.error && r.contains("error") && r["error"].is_object()) o.error = r["error"]["kind"].get<std::string>();
            }
            reasons = unmet_expectations(first.value("expect", json(nullptr)), o);
            if (!reasons.empty()) {
                status = "fail";
                ++groups_failed;
                failures.push_back({{"case", gid}, {"status", "fail"}, {"reasons", reasons},
                                    {"repro", first.value("repro_group", first["repro"].get<std::string>())}});
            }
        }
        row["status"] = status;
        row["reasons"] = reasons;
        group_rows.push_back(row);
    }

    json missing = json::array();
    uint64_t n_missing = 0;
    if (!opts.partial) {
        n_missing = cases_total > by_case.size() ? cases_total - by_case.size() : 0;
        if (by_case.empty()) n_missing = 1;  // nothing at all: certainly incomplete
        if (n_missing && !suite_path.empty())
            for (const auto& id : suite_case_ids(suite_path, digest))
                if (!by_case.count(id)) missing.push_back(id);
    }

    res["counts"] = {{"pass", n_pass}, {"fail", n_fail}, {"error", n_error}, {"missing", by_case.empty() ? 0 : n_missing},
                     {"groups_failed", groups_failed}};
    const bool incomplete = n_error || n_missing;
    const bool failed = n_fail || groups_failed;
    res["status"] = n_missing ? "incomplete" : n_error ? "error" : failed ? "fail" : "pass";
    res["failures"] = failures;
    res["missing"] = missing;
    res["groups"] = group_rows;
    res["cases"] = cases;
    res["histograms"] = histograms;
    res["throughput"] = throughput;
    res["wall"] = {{"seconds", wall_seconds}, {"ns_per_packet", wall_rows}};
    res["inputs"] = opts.inputs;
    return {res, incomplete ? exit_code::kRegressInfra : failed ? exit_code::kRegressFailed : exit_code::kOk};
}

}  // namespace bpfnic::regress
