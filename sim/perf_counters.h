// SPDX-License-Identifier: MIT
// The core's performance and error counters, and their CSV form (one header line, one row per
// snapshot) for bench/.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace bpfnic::sim {

struct PerfCounters {
    uint64_t cycles = 0;            ///< cycles in the run state
    uint64_t bundles = 0;           ///< bundles retired
    uint64_t insns = 0;             ///< instructions (non-NOP slots) retired
    uint64_t stall_load_use = 0;
    uint64_t stall_div = 0;
    uint64_t stall_helper = 0;
    uint64_t stall_ext = 0;
    uint64_t stall_atomic = 0;
    uint64_t flushes = 0;           ///< taken branches, calls and returns (one bubble each)
    uint64_t scrub = 0;             ///< cycles zeroing dirty stack rows between packets
    uint64_t packets = 0;
    uint64_t errors = 0;            ///< packets aborted by a trap

    PerfCounters operator-(const PerfCounters& o) const;
};

void write_csv_header(std::ostream& os);
void write_csv_row(std::ostream& os, const std::string& config, const PerfCounters& c);

}  // namespace bpfnic::sim
