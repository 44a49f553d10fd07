// SPDX-License-Identifier: MIT
// bpfnic compile: verifies a program, compiles it for the bpfnic processor and prints the
// instructions, bundles, static IPC and what each pass did, or the reason it cannot be offloaded.
// -o writes the firmware image; --json prints the same facts as one JSON object.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/error.h"
#include "compiler/passes/pipeline.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/object_select.h"

namespace bpfnic {

namespace po = boost::program_options;

namespace {

nlohmann::json to_json(const Program& p, const CompileResult& r) {
    nlohmann::json j;
    j["program"] = p.name;
    j["instructions"] = r.source_insns;
    j["instructions_after_passes"] = r.insns;
    j["bundles"] = r.bundles;
    j["lanes"] = r.lanes;
    j["static_ipc"] = r.static_ipc;
    j["offloadable"] = r.offloadable;
    j["reason"] = r.refusal ? nlohmann::json(r.refusal->text()) : nlohmann::json(nullptr);
    nlohmann::json passes = nlohmann::json::array();
    for (const PassReport& pr : r.passes) passes.push_back({{"pass", pr.name}, {"instructions", pr.insns}, {"changes", pr.counts}});
    j["passes"] = passes;
    return j;
}

void print_text(std::ostream& out, const std::string& path, const Program& p, const CompileResult& r) {
    out << path << ": " << p.name << ": ";
    if (!r.offloadable) {
        out << "not offloadable: " << (r.refusal ? r.refusal->text() : "unknown") << "\n";
        return;
    }
    out << r.source_insns << " instructions -> " << r.insns << " after passes, " << r.bundles << " bundles at "
        << r.lanes << " lanes, static IPC " << std::fixed << std::setprecision(2) << r.static_ipc << "\n";
    for (const PassReport& pr : r.passes) {
        if (pr.counts.empty()) continue;
        out << "  " << std::left << std::setw(15) << pr.name;
        bool first = true;
        for (const auto& [what, n] : pr.counts) {
            out << (first ? "" : ", ") << n << " " << what;
            first = false;
        }
        out << "\n";
    }
}

}  // namespace

int cmd_compile(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("prog", po::value<std::string>()->default_value(""), "program, by function or section name (default: every XDP program)")
        ("lanes", po::value<unsigned>()->default_value(4), "slots per bundle of the target core (1..8)")
        ("output,o", po::value<std::string>(), "write the firmware image here (one program only)")
        ("json,j", "print the result as JSON")
        ("dump-after", po::value<std::string>()->default_value(""), "print the IR after this pass ('all': after every pass)")
        ("disable", po::value<std::vector<std::string>>()->composing(), "skip an optional pass (repeatable)");
    const auto vm = parse_args(args, desc, {"object"});
    if (vm.count("help")) {
        std::string passes;
        for (const PassInfo& p : pipeline_passes())
            passes += "  " + std::string(p.name) + std::string(16 - std::string(p.name).size(), ' ') + p.summary +
                      (p.optional ? "" : " (always on)") + "\n";
        print_help(cli, "bpfnic compile OBJ [--prog NAME] [--lanes N] [-o IMAGE] [--json] [--dump-after PASS]", desc,
                   "  bpfnic compile build/examples/xdp1.o\n"
                   "  bpfnic compile build/examples/katran_lb.o --lanes 8 --json\n"
                   "  bpfnic compile build/examples/xdp2.o -o xdp2.fw --dump-after schedule\n\nPasses, in order:\n" +
                       passes);
        return exit_code::kOk;
    }
    if (!vm.count("object")) throw Error(ErrorKind::BadInput, "compile: no object file given (see 'bpfnic compile --help')");
    CompileOptions opts;
    opts.lanes = vm["lanes"].as<unsigned>();
    opts.dump_after = vm["dump-after"].as<std::string>();
    opts.dump = &cli.out;
    if (vm.count("disable")) opts.disable = vm["disable"].as<std::vector<std::string>>();
    const bool json = vm.count("json") > 0;

    const Object obj = open_object(vm["object"].as<std::string>());
    const std::string prog_name = vm["prog"].as<std::string>();
    std::vector<size_t> selected;
    for (size_t i : select_programs(obj, prog_name))
        if (obj.programs[i].type == ProgType::Xdp) selected.push_back(i);
    if (selected.empty()) throw Error(ErrorKind::NotFound, obj.path + ": no XDP program to compile");
    if (vm.count("output") && selected.size() != 1)
        throw Error(ErrorKind::BadInput, "compile: -o needs one program (" + std::to_string(selected.size()) +
                                             " in " + obj.path + "; choose one with --prog)");
    int rc = exit_code::kOk;
    nlohmann::json all = nlohmann::json::array();
    for (size_t i : selected) {
        const Program& p = obj.programs[i];
        const CompileResult r = compile_program(p, obj.maps, software_xdp_platform(), opts);
        if (json)
            all.push_back(to_json(p, r));
        else
            print_text(cli.out, obj.path, p, r);
        if (!r.offloadable) {
            rc = std::max(rc, r.verifier_rejected ? exit_code::kRejected : exit_code::kUnsupported);
            continue;
        }
        if (vm.count("output")) {
            const std::string path = vm["output"].as<std::string>();
            const auto bytes = serialize_image(r.image);
            std::ofstream f(path, std::ios::binary);
            f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
            if (!f) throw Error(ErrorKind::BadInput, path + ": cannot write the image");
            if (!json) cli.out << "wrote " << path << " (" << bytes.size() << " bytes)\n";
        }
    }
    if (json) cli.out << (all.size() == 1 ? all.front() : all).dump(2) << "\n";
    return rc;
}

}  // namespace bpfnic
