// SPDX-License-Identifier: MIT
// Known gaps: tests an engine is known not to pass, each with the reason. A listed test is
// skipped (GTEST_SKIP with the reason), so the gap stays visible in every test report. Remove an
// entry when the engine is fixed. Names are corpus files ("calls/callx.data") or conformance test
// files ("callx.data").
#include <string>

#include "tests/engines/run_case.h"

namespace bpfnic::tests {
namespace {

struct Gap {
    const char* engine;
    const char* test;
    const char* reason;
};

constexpr Gap kGaps[] = {
    {"jit", "errors/out_of_bounds_read.data",
     "the JIT does not bounds-check memory accesses (it relies on the verifier); the load reads past the buffer"},
    {"hw", "callx.data", "callx is not part of the hardware platform (the device refuses the program at load)"},
};

}  // namespace

std::optional<std::string> known_gap(const std::string& engine, const std::string& test_name) {
    for (const Gap& g : kGaps)
        if (*g.engine && engine == g.engine && test_name == g.test) return std::string(g.reason);
    return std::nullopt;
}

}  // namespace bpfnic::tests
