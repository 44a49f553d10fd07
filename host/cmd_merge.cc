// SPDX-License-Identifier: MIT
// bpfnic merge: combines the result files of a suite's shards into one result (JSON and
// Markdown), with the exit code of the whole run.
#include <fstream>

#include "compiler/error.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/regress/merge.h"
#include "host/regress/records.h"

namespace bpfnic {

namespace po = boost::program_options;
using namespace regress;

namespace {

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path);
    if (!f) throw Error(ErrorKind::BadInput, path + ": cannot write");
    f << text;
    if (!f) throw Error(ErrorKind::BadInput, path + ": cannot write");
}

}  // namespace

int cmd_merge(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("json", po::value<std::string>(), "write the merged result (JSON) to FILE")
        ("markdown", po::value<std::string>(), "write a Markdown summary to FILE")
        ("results", po::value<std::vector<std::string>>()->composing(), "result files (also given as positional arguments)");
    po::positional_options_description pos;
    pos.add("results", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        print_help(cli, "bpfnic merge RESULTS... [--json OUT.json] [--markdown OUT.md]", desc,
                   "  bpfnic merge results/shard-*.jsonl --json merged.json --markdown summary.md\n");
        return exit_code::kOk;
    }
    if (!vm.count("results")) throw Error(ErrorKind::BadInput, "merge: no result files given (see 'bpfnic merge --help')");
    const auto files = vm["results"].as<std::vector<std::string>>();
    std::vector<SourcedRecord> records;
    for (const auto& f : files) {
        auto part = read_records(f);
        records.insert(records.end(), part.begin(), part.end());
    }
    MergeOptions mo;
    mo.inputs = files;
    const MergeResult m = merge_records(records, mo);
    if (vm.count("json")) write_text(vm["json"].as<std::string>(), m.result.dump(2) + "\n");
    if (vm.count("markdown")) write_text(vm["markdown"].as<std::string>(), merged_markdown(m.result));
    print_merge_summary(cli.out, m.result);
    return m.exit_code;
}

}  // namespace bpfnic
