// SPDX-License-Identifier: MIT
// Counter arithmetic and CSV output.
#include "sim/perf_counters.h"

#include "sim/retire.h"

namespace bpfnic::sim {

PerfCounters PerfCounters::operator-(const PerfCounters& o) const {
    PerfCounters r;
    r.cycles = cycles - o.cycles;
    r.bundles = bundles - o.bundles;
    r.insns = insns - o.insns;
    r.stall_load_use = stall_load_use - o.stall_load_use;
    r.stall_div = stall_div - o.stall_div;
    r.stall_helper = stall_helper - o.stall_helper;
    r.stall_ext = stall_ext - o.stall_ext;
    r.stall_atomic = stall_atomic - o.stall_atomic;
    r.flushes = flushes - o.flushes;
    r.scrub = scrub - o.scrub;
    r.packets = packets - o.packets;
    r.errors = errors - o.errors;
    return r;
}

void write_csv_header(std::ostream& os) {
    os << "config,cycles,bundles,insns,stall_load_use,stall_div,stall_helper,stall_ext,stall_atomic,"
          "flushes,scrub,packets,errors\n";
}

void write_csv_row(std::ostream& os, const std::string& config, const PerfCounters& c) {
    os << config << ',' << c.cycles << ',' << c.bundles << ',' << c.insns << ',' << c.stall_load_use << ','
       << c.stall_div << ',' << c.stall_helper << ',' << c.stall_ext << ',' << c.stall_atomic << ','
       << c.flushes << ',' << c.scrub << ',' << c.packets << ',' << c.errors << '\n';
}

const char* trap_name(unsigned cause) {
    switch (cause) {
        case 0: return "none";
        case 1: return "illegal instruction";
        case 2: return "memory access out of bounds";
        case 3: return "write to the read-only context";
        case 4: return "call depth exceeded";
        case 5: return "map unit refused the access";
        case 6: return "helper unit refused the call";
        case 7: return "pc outside the program";
        default: return "unknown trap";
    }
}

}  // namespace bpfnic::sim
