// SPDX-License-Identifier: MIT
// remove_checks: drops conditional jumps whose outcome the verifier proved the same on every path.
// Chiefly packet bounds checks (`if data + n > data_end goto drop`) that an earlier, wider check
// already covered: the hardware bounds-checks every packet access anyway, and the verifier showed
// the branch can never go the other way, so removing it changes no result. A jump always taken
// becomes `goto`, one never taken disappears; blocks left unreachable are emptied by cfg.
#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

void remove_checks(Module& m, const PassOptions& o, PassStats& s) {
    if (!m.facts) return;
    bool changed = false;
    for (Block& b : m.blocks) {
        if (b.insns.empty()) continue;
        Insn& last = b.insns.back();
        auto* j = std::get_if<Jmp>(&last.op);
        if (!j || j->cond == Jmp::Cond::Always || last.pc < 0) continue;
        const InsnFacts& f = m.facts->insns.at(static_cast<size_t>(last.pc));
        if (!f.reached || f.branch_taken == f.branch_fallthrough) continue;
        s.add(f.is_packet_check ? "packet bounds checks removed" : "branches with a proven outcome folded");
        if (f.branch_taken) {
            last.op = Jmp{Jmp::Cond::Always, Reg{0}, Imm{0}, false, j->target};
            b.fallthrough = -1;
        } else {
            b.insns.pop_back();
        }
        changed = true;
    }
    if (changed) cfg(m, o, s);
}

}  // namespace bpfnic::passes
