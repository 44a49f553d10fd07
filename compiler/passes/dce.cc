// SPDX-License-Identifier: MIT
// dce: dead-code elimination. Removes instructions without side effects (ALU, immediate loads,
// context-register reads) whose result no later instruction on any path reads. Loads stay: on the
// hardware a load can fault, and faults are results.
#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

void dce(Module& m, const PassOptions&, PassStats& s) {
    for (bool changed = true; changed;) {
        changed = false;
        const Liveness l = compute_liveness(m);
        for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
            Block& b = m.blocks[bi];
            RegMask live = l.live_out[bi];
            std::vector<Insn> kept;
            kept.reserve(b.insns.size());
            for (size_t k = b.insns.size(); k-- > 0;) {
                const Insn& in = b.insns[k];
                if (is_pure(in.op) && (defs(in.op) & live) == 0) {
                    s.add("dead instructions removed");
                    changed = true;
                    continue;
                }
                live = live_before(in.op, live, *m.platform);
                kept.push_back(in);
            }
            b.insns.assign(kept.rbegin(), kept.rend());
        }
    }
}

}  // namespace bpfnic::passes
