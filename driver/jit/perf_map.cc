// SPDX-License-Identifier: MIT
// The perf map writer (see perf_map.h).
#include "driver/jit/perf_map.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bpfnic::jit {

bool perf_map_enabled() {
    const char* v = std::getenv("BPFNIC_JIT_PERF_MAP");
    return v && *v && std::strcmp(v, "0") != 0;
}

void write_perf_map(const std::vector<PerfSymbol>& symbols) {
    const std::string path = "/tmp/perf-" + std::to_string(getpid()) + ".map";
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (!f) return;
    for (const PerfSymbol& s : symbols)
        std::fprintf(f, "%llx %llx %s\n", static_cast<unsigned long long>(s.start),
                     static_cast<unsigned long long>(s.size), s.name.c_str());
    std::fclose(f);
}

}  // namespace bpfnic::jit
