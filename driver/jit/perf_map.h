// SPDX-License-Identifier: MIT
// Symbols of JIT code for Linux perf: with BPFNIC_JIT_PERF_MAP set in the environment, every load
// appends "START SIZE NAME" lines for its code to /tmp/perf-<pid>.map, which `perf report` reads
// to name samples that land in JIT code (program bodies, the entry trampoline and the stubs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bpfnic::jit {

struct PerfSymbol {
    uint64_t start;
    uint64_t size;
    std::string name;
};

/// Is BPFNIC_JIT_PERF_MAP set (to anything but "0")?
bool perf_map_enabled();

/// Appends the symbols to /tmp/perf-<pid>.map; failures to write are ignored (profiling aid).
void write_perf_map(const std::vector<PerfSymbol>& symbols);

}  // namespace bpfnic::jit
