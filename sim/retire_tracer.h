// SPDX-License-Identifier: MIT
// RetireTracer: writes the retire stream as CSV in the project's one trace format
// (pc,insn,dst,dst_val,mem_addr,mem_val), which the interpreter's trace also uses.
#pragma once

#include <ostream>

#include "sim/retire.h"

namespace bpfnic::sim {

class RetireTracer final : public RetireSink {
public:
    explicit RetireTracer(std::ostream& os, bool header = true);
    bool on_retire(const RetireRecord& r) override;

private:
    std::ostream& os_;
};

}  // namespace bpfnic::sim
