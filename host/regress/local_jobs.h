// SPDX-License-Identifier: MIT
// The local fallback of a cluster run: shard processes started on this machine and waited for.
#pragma once

#include <string>
#include <vector>

namespace bpfnic::regress {

struct ChildCommand {
    std::vector<std::string> argv;  ///< argv[0] is the executable path
    std::string log;                ///< stdout and stderr go here
};

/// Starts every command at once and waits for all of them. Returns each one's exit code
/// (128 + signal number when killed by a signal). Throws bpfnic::Error (Internal) when a process
/// cannot be started.
std::vector<int> run_children(const std::vector<ChildCommand>& commands);

}  // namespace bpfnic::regress
