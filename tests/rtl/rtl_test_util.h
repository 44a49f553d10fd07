// SPDX-License-Identifier: MIT
// Shared by the RTL tests: running one program on the interpreter and on the simulated core
// (co-simulation on) with fresh inputs, and capturing what the tests compare.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/isa.h"
#include "compiler/program.h"

namespace bpfnic::tests {

struct HwOutcome {
    bool ok = false;
    uint64_t r0 = 0;
    std::vector<uint8_t> output;  ///< memory (raw) or packet (XDP) after the run
    std::string error;
    uint64_t insns = 0;
    uint64_t cycles = 0;
};

/// Runs insns in raw mode (conformance platform: r1 = memory, r2 = length) or, with xdp, on the
/// packet `input` (software XDP platform). engine: "interp" or "hw"; lanes and cosim for hw.
HwOutcome run_program(const std::string& engine, const std::vector<RawInsn>& insns, const std::vector<uint8_t>& input,
                      bool xdp, unsigned lanes = 1, bool cosim = true);

}  // namespace bpfnic::tests
