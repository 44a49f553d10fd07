// SPDX-License-Identifier: MIT
// fuse_alu3: 3-operand ALU. `rD = rA; ...; rD OP= x` becomes `rD = rA OP x` in one slot when
// nothing between reads or writes rD or writes rA (x is read where the operation was). clang
// emits this pair for every `d = a + b` whose `a` stays live, e.g. each packet-pointer bounds
// check (`r1 = r4; r1 += 14; if r1 > r3`), so it saves a slot and a dependence each time.
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {
bool single_cycle(Bin::Op op) {
    switch (op) {
        case Bin::Op::Add: case Bin::Op::Sub: case Bin::Op::Mul: case Bin::Op::Or: case Bin::Op::And:
        case Bin::Op::Lsh: case Bin::Op::Rsh: case Bin::Op::Arsh: case Bin::Op::Xor: return true;
        default: return false;
    }
}
}  // namespace

void fuse_alu3(Module& m, const PassOptions&, PassStats& s) {
    if (!m.platform->hw || !m.platform->hw->ext_alu3) return;
    for (Block& b : m.blocks) {
        for (size_t i = 0; i < b.insns.size(); ++i) {
            const auto* mv = std::get_if<Bin>(&b.insns[i].op);
            if (!mv || mv->op != Bin::Op::Mov || !mv->is64 || !std::holds_alternative<Reg>(mv->v)) continue;
            const Reg d = mv->dst, a = std::get<Reg>(mv->v);
            if (d.v == a.v || d.v == 10) continue;
            for (size_t k = i + 1; k < b.insns.size(); ++k) {
                const Op& op = b.insns[k].op;
                const RegMask touched = static_cast<RegMask>(uses(op, *m.platform) | defs(op) | clobbers(op));
                if (!(touched & reg_bit(d))) {
                    if ((defs(op) | clobbers(op)) & reg_bit(a)) break;
                    continue;
                }
                const auto* alu = std::get_if<Bin>(&op);
                if (!alu || alu->dst.v != d.v || !single_cycle(alu->op)) break;
                Value x = alu->v;
                if (auto* xr = std::get_if<Reg>(&x); xr && xr->v == d.v) x = a;
                b.insns[k].op = Alu3{alu->op, d, a, x, alu->is64};
                b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(i));
                s.add("move and operation fused into 3-operand form");
                --i;
                break;
            }
        }
    }
}

}  // namespace bpfnic::passes
