// SPDX-License-Identifier: MIT
// RetireTracer: one CSV line per retired instruction.
#include "sim/retire_tracer.h"

#include <cinttypes>
#include <cstdio>

namespace bpfnic::sim {

RetireTracer::RetireTracer(std::ostream& os, bool header) : os_(os) {
    if (header) os_ << "pc,insn,dst,dst_val,mem_addr,mem_val\n";
}

bool RetireTracer::on_retire(const RetireRecord& r) {
    char line[160];
    std::snprintf(line, sizeof line, "%u,%016" PRIx64 ",%s%d,%016" PRIx64 ",%016" PRIx64 ",%016" PRIx64 "\n", r.pc,
                  r.insn, r.dst_reg >= 0 ? "r" : "", r.dst_reg >= 0 ? r.dst_reg : 0,
                  r.dst_reg >= 0 ? r.dst_value : 0, r.mem ? r.mem_addr : 0, r.mem ? r.mem_value : 0);
    os_ << line;
    return true;
}

}  // namespace bpfnic::sim
