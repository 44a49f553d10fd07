// SPDX-License-Identifier: MIT
// bpfnic regress: runs a suite's cases (all of them, one shard of them, or named ones), writes one
// JSON Lines record per case and sums them up; --jobs K runs K shard processes here and merges
// them, as a cluster run would.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "compiler/error.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/regress/case_run.h"
#include "host/regress/local_jobs.h"
#include "host/regress/merge.h"
#include "host/regress/records.h"
#include "host/regress/shard.h"
#include "host/regress/suite.h"

namespace bpfnic {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace regress;

namespace {

bool has_objects(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return false;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".o") return true;
    return false;
}

/// What ${examples} means: --examples DIR, else BUILD/examples beside BUILD/host/bpfnic, else the
/// folder configured at build time; empty when none has objects (a suite using it then fails).
std::string examples_dir(const Cli& cli, const po::variables_map& vm) {
    if (vm.count("examples")) {
        const fs::path d = fs::absolute(vm["examples"].as<std::string>()).lexically_normal();
        std::error_code ec;
        if (!fs::is_directory(d, ec)) throw Error(ErrorKind::NotFound, d.string() + ": no such folder");
        return d.string();
    }
    const fs::path beside = fs::path(cli.exe_path).parent_path().parent_path() / "examples";
    if (has_objects(beside)) return beside.lexically_normal().string();
    const fs::path baked = BPFNIC_DEFAULT_EXAMPLES_DIR;
    if (has_objects(baked)) return baked.string();
    return "";
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", s);
    return buf;
}

void print_case_line(std::ostream& out, const nlohmann::json& r) {
    const std::string st = r["status"];
    out << (st == "pass" ? "PASS " : st == "fail" ? "FAIL " : "ERROR") << " " << r["case"].get<std::string>() << "  "
        << r["packets"].get<uint64_t>() << " packets  " << seconds_text(r["wall"]["seconds"].get<double>());
    for (const auto& why : r["reasons"]) out << "\n        " << why.get<std::string>();
    out << "\n" << std::flush;
}

int run_local_jobs(const Suite& suite, unsigned jobs, const po::variables_map& vm, Cli& cli) {
    const std::optional<std::string> out = vm.count("out") ? std::optional(vm["out"].as<std::string>()) : std::nullopt;
    const fs::path dir = (out ? fs::absolute(*out).parent_path() : fs::temp_directory_path()) /
                         (".bpfnic-regress-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<ChildCommand> children;
    std::vector<std::string> files;
    for (unsigned i = 0; i < jobs; ++i) {
        const std::string file = (dir / ("shard-" + std::to_string(i) + ".jsonl")).string();
        ChildCommand c;
        c.argv = {cli.exe_path, "regress", suite.path, "--shard", std::to_string(i) + "/" + std::to_string(jobs), "--out", file};
        if (!suite.examples_dir.empty()) c.argv.insert(c.argv.end(), {"--examples", suite.examples_dir});
        c.log = (dir / ("shard-" + std::to_string(i) + ".log")).string();
        children.push_back(std::move(c));
        files.push_back(file);
    }
    const std::vector<int> codes = run_children(children);
    bool keep = false;
    std::vector<SourcedRecord> records;
    for (unsigned i = 0; i < jobs; ++i) {
        const int rc = codes[i];
        if (rc != exit_code::kOk && rc != exit_code::kRegressFailed && rc != exit_code::kRegressInfra) {
            cli.err << "bpfnic: shard " << i << "/" << jobs << " exited with code " << rc << " (log: " << children[i].log << ")\n";
            keep = true;
        }
        std::error_code ec;
        if (!fs::exists(files[i], ec)) continue;  // its cases count as missing
        auto part = read_records(files[i]);
        records.insert(records.end(), part.begin(), part.end());
    }
    MergeOptions mo;
    mo.inputs = files;
    const MergeResult m = merge_records(records, mo);
    if (out) {
        std::vector<nlohmann::json> all;
        for (const auto& r : records) all.push_back(r.record);
        std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a["case"] < b["case"]; });
        write_records_atomic(*out, all);
    }
    print_merge_summary(cli.out, m.result);
    if (!keep) fs::remove_all(dir);
    return m.exit_code;
}

}  // namespace

int cmd_regress(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("shard", po::value<std::string>(), "I/N: run shard I (0-based) of N, a deterministic split balanced by estimated cost (default 0/1: every case)")
        ("jobs", po::value<int64_t>(), "K: run K shard processes on this machine, then merge them (as a cluster run would)")
        ("out", po::value<std::string>(), "write the records (JSON Lines, one per case) to FILE, atomically")
        ("case", po::value<std::vector<std::string>>()->composing(), "run only the case of this id (repeatable), e.g. to repeat a failure")
        ("list", po::bool_switch(), "list the cases with their estimated cost and shard, run nothing")
        ("examples", po::value<std::string>(), "what ${examples} in the suite means (default: BUILD/examples beside this executable, else the build-time folder)");
    const auto vm = parse_args(args, desc, {"suite"});
    if (vm.count("help")) {
        print_help(cli, "bpfnic regress SUITE [--shard I/N | --jobs K | --case ID...] [--out RESULTS.jsonl]", desc,
                   "  bpfnic regress tests/regress/suites/smoke.json\n"
                   "  bpfnic regress suite.json --shard 3/16 --out results/shard-3.jsonl\n"
                   "  bpfnic regress suite.json --jobs 4 --out all.jsonl\n"
                   "  bpfnic regress suite.json --case xdp1/xcheck/base\n"
                   "  bpfnic regress suite.json --shard 0/4 --list\n");
        return exit_code::kOk;
    }
    if (!vm.count("suite")) throw Error(ErrorKind::BadInput, "regress: no suite file given (see 'bpfnic regress --help')");
    const Suite suite = load_suite(vm["suite"].as<std::string>(), examples_dir(cli, vm));
    const ShardSpec shard = vm.count("shard") ? parse_shard(vm["shard"].as<std::string>()) : ShardSpec{};
    const std::vector<std::string> wanted = vm.count("case") ? vm["case"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (!wanted.empty() && vm.count("shard")) throw Error(ErrorKind::BadInput, "--case and --shard exclude each other");

    if (vm.count("jobs")) {
        const int64_t jobs = vm["jobs"].as<int64_t>();
        if (jobs < 1 || jobs > 1024) throw Error(ErrorKind::BadInput, "--jobs " + std::to_string(jobs) + ": must be 1..1024");
        if (vm.count("shard") || !wanted.empty() || vm["list"].as<bool>())
            throw Error(ErrorKind::BadInput, "--jobs runs every case in shards of its own: it excludes --shard, --case and --list");
        return run_local_jobs(suite, static_cast<unsigned>(jobs), vm, cli);
    }

    const std::vector<uint32_t> assigned = assign_shards(suite.cases, shard.count);
    if (vm["list"].as<bool>()) {
        for (size_t i = 0; i < suite.cases.size(); ++i) {
            if (assigned[i] != shard.index && vm.count("shard")) continue;
            char cost[32];
            std::snprintf(cost, sizeof cost, "%.0f", suite.cases[i].cost);
            cli.out << suite.cases[i].id << "  shard " << assigned[i] << "/" << shard.count << "  cost " << cost << "\n";
        }
        return exit_code::kOk;
    }

    std::vector<const RegressCase*> selected;
    for (const std::string& id : wanted) {
        const RegressCase* c = suite.find(id);
        if (!c) throw Error(ErrorKind::NotFound, suite.path + ": no case '" + id + "' (see 'bpfnic regress SUITE --list')");
        if (std::find(selected.begin(), selected.end(), c) == selected.end()) selected.push_back(c);
    }
    if (wanted.empty())
        for (size_t i = 0; i < suite.cases.size(); ++i)
            if (assigned[i] == shard.index) selected.push_back(&suite.cases[i]);
    std::sort(selected.begin(), selected.end(), [](const RegressCase* a, const RegressCase* b) { return a->id < b->id; });

    RecordContext ctx;
    ctx.exe = cli.exe_path;
    ctx.shard = shard;
    std::vector<nlohmann::json> records;
    std::vector<SourcedRecord> sourced;
    for (const RegressCase* c : selected) {
        records.push_back(run_case(suite, *c, ctx));
        print_case_line(cli.out, records.back());
        sourced.push_back({records.back(), c->id});
    }
    if (vm.count("out")) write_records_atomic(vm["out"].as<std::string>(), records);

    MergeOptions mo;
    mo.partial = shard.count > 1 || !wanted.empty();
    const MergeResult m = merge_records(sourced, mo);
    print_merge_summary(cli.out, m.result);
    return m.exit_code;
}

}  // namespace bpfnic
