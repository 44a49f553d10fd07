// SPDX-License-Identifier: MIT
// bpfnic demo: the main job. Loads every built-in IO module (the example objects) through the
// driver, runs the same generated traffic through each XDP program in the driver's cross-check
// mode (the card when it can run the program, the JIT, the interpreter as reference) and prints
// one table row per program: verdicts, instructions, time per packet per engine, cycles per
// packet on the card, mismatches.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/error.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/object_select.h"
#include "host/packet_source.h"
#include "host/progress.h"
#include "host/driver_session.h"
#include "host/summary.h"
#include "host/table.h"

#ifndef BPFNIC_DEFAULT_EXAMPLES_DIR
#error "BPFNIC_DEFAULT_EXAMPLES_DIR must name the built example objects"
#endif

namespace bpfnic {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

bool has_objects(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return false;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".o") return true;
    return false;
}

/// --examples DIR, else the examples folder of the build tree the executable sits in
/// (BUILD/host/bpfnic -> BUILD/examples), else the folder configured at build time.
fs::path examples_dir(const Cli& cli, const po::variables_map& vm) {
    if (vm.count("examples")) {
        const fs::path d = vm["examples"].as<std::string>();
        std::error_code ec;
        if (!fs::exists(d, ec)) throw Error(ErrorKind::NotFound, d.string() + ": no such folder");
        if (!has_objects(d)) throw Error(ErrorKind::NotFound, d.string() + ": no object files (*.o)");
        return d;
    }
    const fs::path beside = fs::path(cli.exe_path).parent_path().parent_path() / "examples";
    if (has_objects(beside)) return beside;
    const fs::path baked = BPFNIC_DEFAULT_EXAMPLES_DIR;
    if (has_objects(baked)) return baked;
    throw Error(ErrorKind::NotFound, "no example objects in " + beside.string() + " or " + baked.string() +
                                         " (build the bpfnic_examples target or pass --examples DIR)");
}

std::string num(uint64_t v) { return std::to_string(v); }

std::string ns_cell(const RunReport& r, const std::string& engine) {
    auto it = r.ns_per_packet.find(engine);
    return it == r.ns_per_packet.end() ? "-" : fixed(it->second, 0);
}

/// One row per program; the hardware columns appear when the hardware engine ran somewhere.
void print_table(std::ostream& out, const std::vector<std::pair<std::string, RunReport>>& rows) {
    bool hw = false;
    for (const auto& [name, r] : rows) hw |= r.cycles.has_value();
    std::vector<std::string> header = {"module", "packets", "aborted", "drop", "pass", "tx", "redirect", "insns",
                                       "insns/pkt", "interp ns/pkt", "jit ns/pkt"};
    if (hw) {
        header.push_back("bundles");
        header.push_back("cycles/pkt");
        for (double mhz : kReportClocksMhz) header.push_back("Mpps@" + fixed(mhz, mhz == double(int64_t(mhz)) ? 0 : 2));
    }
    header.push_back("mismatches");
    TextTable table(header);
    for (const auto& [name, r] : rows) {
        std::vector<std::string> cells = {name, num(r.packets), num(r.verdicts.aborted), num(r.verdicts.drop),
                                          num(r.verdicts.pass), num(r.verdicts.tx), num(r.verdicts.redirect),
                                          num(r.program_instructions),
                                          r.packets && r.instructions_executed
                                              ? fixed(double(*r.instructions_executed) / double(r.packets), 1)
                                              : "-",
                                          ns_cell(r, "interp"), ns_cell(r, "jit")};
        if (hw) {
            const bool have = r.cycles && *r.cycles && r.packets;
            const double cpp = have ? double(*r.cycles) / double(r.packets) : 0.0;
            cells.push_back(r.bundles ? num(*r.bundles) : "-");
            cells.push_back(have ? fixed(cpp, 1) : "-");
            for (double mhz : kReportClocksMhz) cells.push_back(have ? fixed(mhz / cpp, 2) : "-");
        }
        cells.push_back(r.mismatches ? num(*r.mismatches) : "-");
        table.add(std::move(cells));
    }
    table.print(out);
}

}  // namespace

int cmd_demo(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("examples", po::value<std::string>(), "folder of the IO module objects (default: BUILD/examples beside this executable, else the build-time folder)")
        ("gen", po::value<std::string>()->default_value("count=1000,seed=1"), "traffic for every module (grammar: docs/cli.md)")
        ("engine", po::value<std::string>()->default_value("xcheck"), "xcheck (interpreter against every other engine), interp, jit or hw")
        ("json,j", po::bool_switch(), "print the run reports as a JSON array instead of the table");
    const auto vm = parse_args(args, desc, {});
    if (vm.count("help")) {
        print_help(cli, "bpfnic demo [OPTIONS]", desc,
                   "  bpfnic demo\n"
                   "  bpfnic demo --gen count=20000,ipv6=30,vlan=10,seed=3\n"
                   "  bpfnic demo --engine interp -j > demo.json\n");
        return exit_code::kOk;
    }
    const fs::path dir = examples_dir(cli, vm);
    const std::string spec = vm["gen"].as<std::string>();
    const std::string engine = vm["engine"].as<std::string>();
    const bool json = vm["json"].as<bool>();
    // Reject a bad spec or engine before any module runs.
    PacketSource::from_spec(spec);
    if (engine != "interp" && engine != "jit" && engine != "hw" && engine != "xcheck")
        throw Error(ErrorKind::NotFound, "unknown engine '" + engine + "' (known: interp, jit, hw, xcheck)");
    // One device for every module: each program is loaded, run and unloaded in turn.
    Device device(engine == "hw" || engine == "xcheck");

    std::vector<fs::path> objects;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".o") objects.push_back(e.path());
    std::sort(objects.begin(), objects.end());

    std::vector<std::pair<std::string, RunReport>> rows;
    nlohmann::json reports = nlohmann::json::array();
    std::vector<std::string> failures;
    int first_failure = exit_code::kOk;
    uint64_t mismatches = 0;
    std::vector<std::string> engines_seen;

    for (const auto& path : objects) {
        const std::string module = path.stem().string();
        std::vector<size_t> entries;
        Object obj;
        try {
            obj = open_object(path.string());
            for (size_t i = 0; i < obj.programs.size(); ++i)
                if (obj.programs[i].type == ProgType::Xdp) entries.push_back(i);
        } catch (const Error& e) {
            failures.push_back(module + ": " + e.what());
            if (!first_failure) first_failure = exit_code_for(e.kind());
            continue;
        }
        for (size_t entry : entries) {
            const std::string name = entries.size() == 1 ? module : module + ":" + obj.programs[entry].name;
            try {
                verify_entry(obj, entry);
                SessionSpec ss;
                ss.prog = obj.programs[entry].name;
                ss.engine = engine;
                Session session(device, obj, ss);
                PacketSource src = PacketSource::from_spec(spec);
                Progress progress(cli.err, cli.err_is_tty, "bpfnic demo " + name, src.total());
                PcapPacket pkt;
                while (src.next(pkt)) {
                    try {
                        session.run(pkt.data);
                    } catch (const Error& e) {
                        throw Error(e.kind(), "packet " + std::to_string(src.index()) + ": " + e.what());
                    }
                    progress.update(src.index());
                }
                progress.finish();
                RunReport r = session.report(obj, entry);
                r.input_kind = src.kind();
                r.input = src.description();
                mismatches += r.mismatches.value_or(0);
                for (const auto& e : r.engines)
                    if (std::find(engines_seen.begin(), engines_seen.end(), e) == engines_seen.end()) engines_seen.push_back(e);
                if (json) reports.push_back(to_json(r));
                rows.emplace_back(name, std::move(r));
            } catch (const Error& e) {
                failures.push_back(name + ": " + e.what());
                if (!first_failure) first_failure = exit_code_for(e.kind());
            }
        }
    }

    if (json) {
        cli.out << reports.dump(2) << "\n";
    } else {
        cli.out << "bpfnic demo: " << objects.size() << " IO modules from " << dir.string() << ", traffic "
                << parse_traffic_spec(spec).to_string() << ", engines:";
        for (const auto& e : engines_seen) cli.out << " " << e;
        cli.out << "\n\n";
        print_table(cli.out, rows);
        if (engine == "xcheck")
            cli.out << "\n" << (mismatches ? "MISMATCHES between engines: " + std::to_string(mismatches)
                                           : std::string("no mismatches: every engine that ran agrees with the interpreter on every packet"))
                    << "\n";
        bool header = false;
        for (const auto& [name, r] : rows) {
            for (const auto& skipped : r.skipped_engines) {
                if (!header) cli.out << "\nNot cross-checked on every engine:\n";
                header = true;
                cli.out << "  " << name << ": " << skipped << "\n";
            }
        }
    }
    for (const auto& f : failures) cli.err << "bpfnic: not run: " << f << "\n";
    if (mismatches) return exit_code::kRejected;
    return first_failure;
}

}  // namespace bpfnic
