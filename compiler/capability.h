// SPDX-License-Identifier: MIT
// Capability check: can a program run on a platform? The first instruction, helper or map the
// platform lacks gives a structured reason (instruction index and cause) that the driver uses to
// fall back to software and that reports print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/platform.h"
#include "compiler/program.h"

namespace bpfnic {

struct Refusal {
    int64_t pc = -1;     ///< instruction index, -1 for whole-program causes
    std::string cause;

    /// "instruction 12: tail calls ... " or the cause alone.
    std::string text() const { return pc >= 0 ? "instruction " + std::to_string(pc) + ": " + cause : cause; }
};

std::optional<Refusal> check_capabilities(const Program& prog, const std::vector<MapDef>& maps, const Platform& platform);

}  // namespace bpfnic
