// SPDX-License-Identifier: MIT
// Static checks over the control-flow graph before abstract interpretation: subprogram
// boundaries, jumps staying inside their function, reachability of every instruction, and the
// per-instruction register liveness and prune points the state search uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "compiler/platform.h"

namespace bpfnic::verifier {

struct CfgProblem {
    int64_t pc;
    std::string reason;
};

struct Cfg {
    std::vector<uint16_t> live_in;    ///< by slot: registers read before written from here (bit n: rn)
    std::vector<bool> prune_point;    ///< by slot: states are stored and compared here
    std::vector<int32_t> subprog_of;  ///< by slot: index of the subprogram (by start order)
    std::vector<uint32_t> subprog_start;
};

/// Number of helper arguments a call reads (5 for unknown helpers).
int helper_arg_count(const Platform& platform, int32_t helper);

/// Builds the CFG facts or returns the first structural problem.
std::optional<CfgProblem> analyze_cfg(const IrProgram& ir, size_t nslots, const Platform& platform, Cfg& out);

}  // namespace bpfnic::verifier
