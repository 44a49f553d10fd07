// SPDX-License-Identifier: MIT
// bpfnic run: one program over a pcap file or generated traffic, with a summary or JSON report.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "compiler/error.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/run_command.h"
#include "host/summary.h"

namespace bpfnic {

namespace po = boost::program_options;

int cmd_run(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("out", po::value<std::string>(), "write the PASS and TX packets, as the program left them, to this pcap file")
        ("report", po::value<std::string>(), "write the JSON report to this file")
        ("json,j", po::bool_switch(), "print the JSON report on stdout instead of the summary")
        ("trace", po::value<std::string>(), "hw: write an FST waveform of the whole run to this file (gtkwave); slow");
    add_run_options(desc, "map");
    const auto vm = parse_args(args, desc, {"object"});
    if (vm.count("help")) {
        print_help(cli, "bpfnic run OBJ [OPTIONS]", desc,
                   "  bpfnic run build/examples/xdp1.o\n"
                   "  bpfnic run build/examples/xdp2.o --gen count=100000,ipv6=50,seed=7 --out tx.pcap\n"
                   "  bpfnic run build/examples/simple_firewall.o --pcap in.pcap --engine xcheck --report r.json\n"
                   "  bpfnic run build/examples/router_ipv4.o --map routes=routes.json -j\n");
        return exit_code::kOk;
    }
    RunArgs ra = run_args_from(vm, "map");
    if (vm.count("trace")) {
        ra.trace = vm["trace"].as<std::string>();
        // Simulated cores keep trace bookkeeping (slower) only when built with this set.
        setenv("BPFNIC_SIM_TRACE", "1", 1);
    }
    if (ra.object.empty()) throw Error(ErrorKind::BadInput, "run: no object file given (see 'bpfnic run --help')");
    const FinishedRun run = execute_run(ra, cli);
    const RunReport& r = run.report;
    const nlohmann::json j = to_json(r);
    if (vm.count("report")) {
        const std::string path = vm["report"].as<std::string>();
        std::ofstream f(path);
        if (!f) throw Error(ErrorKind::BadInput, path + ": cannot write the report");
        f << j.dump(2) << "\n";
        if (!f) throw Error(ErrorKind::BadInput, path + ": cannot write the report");
    }
    if (vm["json"].as<bool>()) cli.out << j.dump(2) << "\n";
    else print_summary(cli.out, r);
    return r.mismatches.value_or(0) ? exit_code::kRejected : exit_code::kOk;
}

}  // namespace bpfnic
