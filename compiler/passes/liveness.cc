// SPDX-License-Identifier: MIT
// Register liveness: a block's live-out is the union of its successors' live-in; calls to local
// functions and helpers kill r0..r5 and read their arguments; exits read r0.
#include "compiler/passes/liveness.h"

namespace bpfnic::passes {

using namespace mir;

RegMask live_before(const Op& op, RegMask live_after, const Platform& platform) {
    const RegMask killed = static_cast<RegMask>(defs(op) | clobbers(op));
    return static_cast<RegMask>((live_after & ~killed) | uses(op, platform));
}

Liveness compute_liveness(const Module& m) {
    const size_t n = m.blocks.size();
    Liveness l{std::vector<RegMask>(n, 0), std::vector<RegMask>(n, 0)};
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = n; i-- > 0;) {
            const Block& b = m.blocks[i];
            RegMask out = 0;
            for (uint32_t s : b.succs) out |= l.live_in[s];
            RegMask live = out;
            for (size_t k = b.insns.size(); k-- > 0;) live = live_before(b.insns[k].op, live, *m.platform);
            if (out != l.live_out[i] || live != l.live_in[i]) {
                l.live_out[i] = out;
                l.live_in[i] = live;
                changed = true;
            }
        }
    }
    return l;
}

}  // namespace bpfnic::passes
