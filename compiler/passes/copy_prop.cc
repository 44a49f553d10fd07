// SPDX-License-Identifier: MIT
// copy_prop: copy propagation inside blocks. After `rA = rB` (64-bit move), later explicit reads of
// rA read rB instead, until either register is written again. The reads then no longer wait for the
// move, and a move whose copies were all propagated becomes dead for dce. Implicit reads (helper
// arguments r1..r5, exit's r0) keep their register, so the move stays where they need it.
#include <array>
#include <optional>

#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

struct Copies {
    std::array<std::optional<uint8_t>, 11> of;  // of[a] = b: ra holds a copy of rb

    bool rename(Reg& r) const {
        if (r.v > 10 || !of[r.v]) return false;
        r.v = *of[r.v];
        return true;
    }
    bool rename(Value& v) const {
        auto* r = std::get_if<Reg>(&v);
        return r && rename(*r);
    }
    void kill(RegMask written) {
        for (uint8_t a = 0; a < 11; ++a)
            if ((written >> a & 1) || (of[a] && (written >> *of[a] & 1))) of[a].reset();
    }
};

bool rename_uses(Op& op, const Copies& c) {
    bool n = false;
    if (auto* i = std::get_if<Bin>(&op)) {
        n = c.rename(i->v);
    } else if (auto* j = std::get_if<Jmp>(&op)) {
        if (j->cond != Jmp::Cond::Always) n = c.rename(j->left) | c.rename(j->right);
    } else if (auto* l = std::get_if<Load>(&op)) {
        n = c.rename(l->base);
    } else if (auto* s = std::get_if<Store>(&op)) {
        n = c.rename(s->base) | c.rename(s->v);
    } else if (auto* a = std::get_if<Atomic>(&op)) {
        n = c.rename(a->base);
        if (!a->fetch && a->op != Atomic::Op::CmpXchg) n |= c.rename(a->src);
    } else if (auto* a3 = std::get_if<Alu3>(&op)) {
        n = c.rename(a3->a) | c.rename(a3->b);
    }
    return n;
}

}  // namespace

void copy_prop(Module& m, const PassOptions&, PassStats& s) {
    for (Block& b : m.blocks) {
        Copies c;
        for (Insn& in : b.insns) {
            if (rename_uses(in.op, c)) s.add("operands read from the original register");
            c.kill(static_cast<RegMask>(defs(in.op) | clobbers(in.op)));
            if (auto* mv = std::get_if<Bin>(&in.op); mv && mv->op == Bin::Op::Mov && mv->is64)
                if (auto* src = std::get_if<Reg>(&mv->v); src && src->v != mv->dst.v) c.of[mv->dst.v] = src->v;
        }
    }
}

}  // namespace bpfnic::passes
