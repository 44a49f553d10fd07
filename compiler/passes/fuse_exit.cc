// SPDX-License-Identifier: MIT
// fuse_exit: parametrized exit. `r0 = imm; ...; exit`, where nothing between reads or writes r0,
// becomes one ExitImm slot: the verdict and the exit in a single lane-0 instruction, one bundle
// less on every XDP return path.
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

void fuse_exit(Module& m, const PassOptions&, PassStats& s) {
    if (!m.platform->hw || !m.platform->hw->ext_exit_imm) return;
    for (Block& b : m.blocks) {
        if (b.insns.empty() || !std::holds_alternative<Exit>(b.insns.back().op)) continue;
        for (size_t k = b.insns.size() - 1; k-- > 0;) {
            const Op& op = b.insns[k].op;
            if (auto* mv = std::get_if<Bin>(&op); mv && mv->op == Bin::Op::Mov && mv->dst.v == 0 &&
                                                  std::holds_alternative<Imm>(mv->v)) {
                const int64_t v = std::get<Imm>(mv->v).v;
                if (!mv->is64 && v < 0) break;  // mov32 zero-extends: not the sign-extended immediate
                b.insns.back().op = ExitImm{static_cast<int32_t>(v)};
                b.insns.back().pc = b.insns[k].pc;
                b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(k));
                s.add("exits fused with their verdict");
                break;
            }
            if ((uses(op, *m.platform) | defs(op) | clobbers(op)) & 1) break;
        }
    }
}

}  // namespace bpfnic::passes
