// SPDX-License-Identifier: MIT
// Text and Markdown forms of a merged result.
#include <cstdio>
#include <ostream>
#include <sstream>

#include "host/regress/histogram.h"
#include "host/regress/merge.h"

namespace bpfnic::regress {

using nlohmann::json;

namespace {

std::string num(const json& v, int digits = 1) {
    if (v.is_null()) return "-";
    if (v.is_number_unsigned() || v.is_number_integer()) return std::to_string(v.get<int64_t>());
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v.get<double>());
    return buf;
}

std::string verdict_cell(const json& v) {
    if (!v.is_object()) return "-";
    std::string s;
    for (const char* k : {"aborted", "drop", "pass", "tx", "redirect", "invalid"}) {
        const uint64_t n = v.value(k, uint64_t{0});
        if (n) s += std::string(s.empty() ? "" : " ") + k + " " + std::to_string(n);
    }
    return s.empty() ? "none" : s;
}

std::string md_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '|') o += "\\|";
        else if (c == '\n') o += ' ';
        else o += c;
    }
    return o;
}

std::string join(const json& reasons) {
    std::string s;
    for (const auto& r : reasons) s += std::string(s.empty() ? "" : "; ") + r.get<std::string>();
    return s;
}

}  // namespace

void print_merge_summary(std::ostream& out, const json& res) {
    const json& c = res["counts"];
    out << "suite " << res["suite"].get<std::string>() << ": " << res["cases_run"].get<uint64_t>() << " of "
        << res["cases_total"].get<uint64_t>() << " cases: " << c["pass"].get<uint64_t>() << " passed, "
        << c["fail"].get<uint64_t>() << " failed, " << c["error"].get<uint64_t>() << " could not run";
    if (c["missing"].get<uint64_t>()) out << ", " << c["missing"].get<uint64_t>() << " missing";
    if (c["groups_failed"].get<uint64_t>()) out << ", " << c["groups_failed"].get<uint64_t>() << " split traces failed";
    out << " -> " << res["status"].get<std::string>() << "\n";
    for (const auto& f : res["failures"]) {
        out << "  " << (f["status"] == "fail" ? "FAIL " : "ERROR") << " " << f["case"].get<std::string>() << ": "
            << join(f["reasons"]) << "\n"
            << "        repro: " << f["repro"].get<std::string>() << "\n";
    }
    size_t shown = 0;
    for (const auto& m : res["missing"]) {
        if (shown++ == 10) {
            out << "  ... (" << res["missing"].size() - 10 << " more missing)\n";
            break;
        }
        out << "  MISSING " << m.get<std::string>() << "\n";
    }
}

std::string merged_markdown(const json& res) {
    std::ostringstream md;
    const json& c = res["counts"];
    md << "# Regression results: " << res["suite"].get<std::string>() << "\n\n";
    md << "**" << res["status"].get<std::string>() << "**: " << res["cases_run"].get<uint64_t>() << " of "
       << res["cases_total"].get<uint64_t>() << " cases run (suite digest `" << res["suite_digest"].get<std::string>() << "`).\n\n";
    md << "| passed | failed | could not run | missing | split traces failed |\n|---|---|---|---|---|\n";
    md << "| " << c["pass"] << " | " << c["fail"] << " | " << c["error"] << " | " << c["missing"] << " | " << c["groups_failed"] << " |\n\n";

    if (!res["failures"].empty()) {
        md << "## Failures\n\n| case | status | why | repro |\n|---|---|---|---|\n";
        for (const auto& f : res["failures"])
            md << "| `" << f["case"].get<std::string>() << "` | " << f["status"].get<std::string>() << " | "
               << md_escape(join(f["reasons"])) << " | `" << md_escape(f["repro"].get<std::string>()) << "` |\n";
        md << "\n";
    }
    if (!res["missing"].empty()) {
        md << "## Missing cases\n\n";
        for (const auto& m : res["missing"]) md << "- `" << m.get<std::string>() << "`\n";
        md << "\n";
    }
    if (!res["groups"].empty()) {
        md << "## Traces split by flow\n\n| trace | parts | packets | verdicts | status |\n|---|---|---|---|---|\n";
        for (const auto& g : res["groups"])
            md << "| `" << g["group"].get<std::string>() << "` | " << g["parts_run"] << "/" << g["parts"] << " | " << g["packets"]
               << " | " << verdict_cell(g["verdicts"]) << " | " << g["status"].get<std::string>() << " |\n";
        md << "\n";
    }
    md << "## Cases\n\n| case | status | packets | verdicts | mismatches | insns/pkt | cycles/pkt |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : res["cases"])
        md << "| `" << r["case"].get<std::string>() << "` | " << r["status"].get<std::string>() << " | " << r["packets"] << " | "
           << verdict_cell(r["verdicts"]) << " | " << num(r["mismatches"]) << " | " << num(r["instructions_per_packet"]) << " | "
           << num(r["cycles_per_packet"]) << " |\n";
    md << "\n## Per-packet distributions\n\nFixed buckets (exact below 32, then 16 per power of two); quantiles are bucket lower bounds.\n\n";
    md << "| trace | metric | packets | mean | p50 | p90 | p99 | max |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& [gid, hs] : res["histograms"].items()) {
        for (const char* metric : {"insns_per_packet", "cycles_per_packet"}) {
            if (hs[metric].is_null()) continue;
            const Histogram h = Histogram::from_json(hs[metric], gid + " " + metric);
            char mean[32];
            std::snprintf(mean, sizeof mean, "%.1f", h.mean());
            md << "| `" << gid << "` | " << (metric[0] == 'i' ? "instructions" : "cycles") << " | " << h.count() << " | " << mean
               << " | " << h.quantile(0.5) << " | " << h.quantile(0.9) << " | " << h.quantile(0.99) << " | " << h.max() << " |\n";
        }
    }
    if (!res["throughput"].empty()) {
        md << "\n## Hardware throughput\n\nPacket rate = clock x cores / mean cycles per packet.\n\n"
              "| trace | config | lanes | cores | cycles/pkt | p50 | p99 | Mpps@156.25 | Mpps@250 |\n|---|---|---|---|---|---|---|---|---|\n";
        for (const auto& t : res["throughput"])
            md << "| `" << t["case"].get<std::string>() << "` | " << (t["config"].is_null() ? "-" : t["config"].get<std::string>()) << " | "
               << num(t["lanes"]) << " | " << t["cores"] << " | " << num(t["cycles_per_packet"]) << " | " << t["cycles_p50"] << " | "
               << t["cycles_p99"] << " | " << num(t["mpps_at_mhz"]["156.25"], 2) << " | " << num(t["mpps_at_mhz"]["250"], 2) << " |\n";
    }
    if (!res["wall"]["ns_per_packet"].empty()) {
        md << "\n## Software throughput (wall clock of the machines that ran the shards)\n\n"
              "| trace | engine | ns/pkt | Mpps |\n|---|---|---|---|\n";
        for (const auto& w : res["wall"]["ns_per_packet"])
            md << "| `" << w["case"].get<std::string>() << "` | " << w["engine"].get<std::string>() << " | " << num(w["ns_per_packet"])
               << " | " << num(w["mpps"], 2) << " |\n";
    }
    return md.str();
}

}  // namespace bpfnic::regress
