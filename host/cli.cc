// SPDX-License-Identifier: MIT
// Subcommand dispatch, shared option parsing and error reporting of the bpfnic command.
#include "host/cli.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <new>

#include "compiler/error.h"
#include "host/exit_code.h"

namespace bpfnic {

namespace po = boost::program_options;

namespace {

const Command kCommands[] = {
    {"demo", "run every built-in IO module on generated traffic, cross-checking the engines", cmd_demo},
    {"run", "run a program over a pcap file or generated traffic; summary and JSON report", cmd_run},
    {"verify", "check that a program is safe to run", cmd_verify},
    {"compile", "compile a program for the bpfnic processor: bundles, static IPC, firmware image", cmd_compile},
    {"disasm", "print a program's instructions", cmd_disasm},
    {"map", "dump, look up or update a program's maps (run on the spot, or a finished run's report)", cmd_map},
    {"regress", "run a regression suite, or one shard of it, writing one JSON Lines record per case", cmd_regress},
    {"merge", "combine the result files of a suite's shards: counts, failures, histograms, Markdown", cmd_merge},
};

void print_main_help(std::ostream& out) {
    out << "Usage: bpfnic SUBCOMMAND [OPTIONS]\n"
           "       bpfnic SUBCOMMAND --help\n\n"
           "An eBPF SmartNIC simulator: loads XDP objects built by clang -target bpf, verifies and runs them.\n\n"
           "Subcommands:\n";
    for (const auto& c : kCommands) {
        std::string name = c.name;
        name.resize(8, ' ');
        out << "  " << name << c.summary << "\n";
    }
    out << "\nExit codes:\n"
           "  0   success\n"
           "  1   program rejected by the verifier, or engines disagree (cross-check mismatch)\n"
           "  2   bad input or usage: unreadable or malformed file, bad option or value\n"
           "  3   not found: missing file, no such program, map or engine\n"
           "  4   unsupported: valid, but the engine cannot run it\n"
           "  5   runtime fault while running a program\n"
           "  10  regress/merge: a case failed (engines disagree, expectation not met)\n"
           "  11  regress/merge: a case could not run, or results are missing\n"
           "  70  internal error of bpfnic\n\n"
           "Examples:\n"
           "  bpfnic demo\n"
           "  bpfnic run build/examples/xdp1.o --gen count=10000,seed=7 --report r.json\n"
           "  bpfnic verify build/examples/xdp2.o\n"
           "  bpfnic disasm build/examples/xdp_pass.o\n"
           "  bpfnic map dump --report r.json --map rxcnt\n"
           "  bpfnic compile build/examples/xdp1.o --json\n\n"
           "Companion executables: bpfnic-conformance-plugin (the bpf_conformance suite's plugin) and the\n"
           "benchmarks in build/bench (bpfnic_jit_bench, bpfnic_compile_bench, ...; scripts/bench.sh runs them).\n";
}

std::string self_exe(const char* argv0) {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(argv0 ? argv0 : "bpfnic") : p.string();
}

}  // namespace

po::variables_map parse_args(const std::vector<std::string>& args, const po::options_description& desc,
                             const std::vector<std::string>& positionals) {
    po::options_description hidden;
    po::positional_options_description pos;
    for (const std::string& name : positionals) {
        hidden.add_options()(name.c_str(), po::value<std::string>());
        pos.add(name.c_str(), 1);
    }
    po::options_description all;
    all.add(desc).add(hidden);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

void print_help(Cli& cli, const std::string& usage, const po::options_description& desc, const std::string& examples) {
    cli.out << "Usage: " << usage << "\n\n" << desc << "\nExamples:\n" << examples;
}

int cli_main(int argc, char** argv, std::ostream& out, std::ostream& err) {
    Cli cli{out, err, self_exe(argc > 0 ? argv[0] : nullptr), ::isatty(2) != 0};
    if (argc < 2) {
        print_main_help(err);
        return exit_code::kBadInput;
    }
    const std::string sub = argv[1];
    if (sub == "--help" || sub == "-h" || sub == "help") {
        print_main_help(out);
        return exit_code::kOk;
    }
    if (sub == "--version") {
        out << "bpfnic 0.1.0\n";
        return exit_code::kOk;
    }
    const Command* cmd = nullptr;
    for (const auto& c : kCommands)
        if (sub == c.name) cmd = &c;
    if (!cmd) {
        std::string known;
        for (const auto& c : kCommands) known += std::string(known.empty() ? "" : ", ") + c.name;
        err << "bpfnic: error: unknown subcommand '" << sub << "' (known: " << known << ")\n";
        return exit_code::kBadInput;
    }
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        return cmd->fn(args, cli);
    } catch (const Error& e) {
        err << "bpfnic: error: " << e.what() << "\n";
        return exit_code_for(e.kind());
    } catch (const po::error& e) {
        err << "bpfnic: error: " << e.what() << " (see 'bpfnic " << cmd->name << " --help')\n";
        return exit_code::kBadInput;
    } catch (const std::bad_alloc&) {
        err << "bpfnic: error: out of memory\n";
        return exit_code::kRuntime;
    } catch (const std::exception& e) {
        err << "bpfnic: internal error: " << e.what() << "\n";
        return exit_code::kInternal;
    }
}

}  // namespace bpfnic
