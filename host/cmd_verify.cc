// SPDX-License-Identifier: MIT
// bpfnic verify: runs the verifier over an object's XDP programs; exit 0 when all are accepted,
// 1 when one is rejected (with the instruction index and the register state), 2 for bad input.
#include <iostream>

#include "compiler/error.h"
#include "compiler/verifier/verifier.h"
#include "host/cli.h"
#include "host/exit_code.h"
#include "host/object_select.h"

namespace bpfnic {

namespace po = boost::program_options;

int cmd_verify(const std::vector<std::string>& args, Cli& cli) {
    po::options_description desc("Options");
    desc.add_options()
        ("help,h", "show this help")
        ("prog", po::value<std::string>()->default_value(""), "program to verify, by function or section name (default: every XDP program)")
        ("log", po::value<int>()->default_value(0), "verifier log level: 0 none, 1 branch points and pruning, 2 every instruction");
    const auto vm = parse_args(args, desc, {"object"});
    if (vm.count("help")) {
        print_help(cli, "bpfnic verify OBJ [--prog NAME] [--log N]", desc,
                   "  bpfnic verify build/examples/xdp1.o\n"
                   "  bpfnic verify build/examples/multi_prog.o --prog xdp_drop_arp --log 2\n");
        return exit_code::kOk;
    }
    if (!vm.count("object")) throw Error(ErrorKind::BadInput, "verify: no object file given (see 'bpfnic verify --help')");
    const int log_level = vm["log"].as<int>();
    if (log_level < 0 || log_level > 2) throw Error(ErrorKind::BadInput, "--log " + std::to_string(log_level) + ": must be 0, 1 or 2");
    const std::string prog_name = vm["prog"].as<std::string>();

    const Object obj = open_object(vm["object"].as<std::string>());
    VerifierOptions opts;
    opts.log_level = log_level;
    opts.collect_facts = false;
    int rc = exit_code::kOk;
    size_t verified = 0;
    for (size_t i : select_programs(obj, prog_name)) {
        const Program& p = obj.programs[i];
        if (p.type != ProgType::Xdp) {
            if (!prog_name.empty())
                throw Error(ErrorKind::Unsupported, obj.path + ": " + p.name + ": program type " + prog_type_name(p.type) +
                                                        " is not supported (XDP only)");
            cli.out << obj.path << ": " << p.name << ": skipped: program type " << prog_type_name(p.type) << " (XDP only)\n";
            continue;
        }
        const VerifierResult res = verify(p, obj.maps, software_xdp_platform(), opts);
        ++verified;
        if (!res.log.empty()) cli.out << res.log << (res.log.back() == '\n' ? "" : "\n");
        if (res.ok) {
            cli.out << obj.path << ": " << p.name << ": accepted (" << p.insns.size() << " instructions, "
                    << res.stats.insns_processed << " processed, " << res.stats.states_stored << " states)\n";
        } else {
            cli.out << obj.path << ": " << p.name << ": rejected: " << res.error << (res.error.back() == '\n' ? "" : "\n");
            rc = exit_code::kRejected;
        }
    }
    if (verified == 0) throw Error(ErrorKind::NotFound, obj.path + ": no XDP program to verify");
    return rc;
}

}  // namespace bpfnic
