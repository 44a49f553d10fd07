// SPDX-License-Identifier: MIT
// The bpfnic command's frame: the subcommand table, option parsing shared by every subcommand,
// and the mapping of errors to messages and exit codes. Each subcommand lives in its own
// cmd_*.cc file as a function over its arguments, so tests and other tools can call it.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace bpfnic {

/// Where a subcommand writes, and facts about the running executable.
struct Cli {
    std::ostream& out;
    std::ostream& err;
    std::string exe_path;  ///< argv[0] as resolved by /proc/self/exe when available
    bool err_is_tty = false;
};

using CommandFn = int (*)(const std::vector<std::string>& args, Cli& cli);

struct Command {
    const char* name;
    const char* summary;
    CommandFn fn;
};

int cmd_demo(const std::vector<std::string>& args, Cli& cli);
int cmd_run(const std::vector<std::string>& args, Cli& cli);
int cmd_verify(const std::vector<std::string>& args, Cli& cli);
int cmd_compile(const std::vector<std::string>& args, Cli& cli);
int cmd_disasm(const std::vector<std::string>& args, Cli& cli);
int cmd_map(const std::vector<std::string>& args, Cli& cli);
int cmd_regress(const std::vector<std::string>& args, Cli& cli);
int cmd_merge(const std::vector<std::string>& args, Cli& cli);

/// Parses a subcommand's arguments: the options of desc plus, in order, one string positional
/// argument per name of positionals (hidden from --help). Throws boost::program_options::error on
/// bad usage.
boost::program_options::variables_map parse_args(const std::vector<std::string>& args,
                                                 const boost::program_options::options_description& desc,
                                                 const std::vector<std::string>& positionals);

/// Prints "Usage: ...", the options and the examples block of a subcommand.
void print_help(Cli& cli, const std::string& usage, const boost::program_options::options_description& desc,
                const std::string& examples);

/// The whole command: dispatches argv[1] to its subcommand, prints errors as
/// "bpfnic: error: MESSAGE" on stderr and returns the exit code.
int cli_main(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace bpfnic
