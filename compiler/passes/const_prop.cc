// SPDX-License-Identifier: MIT
// const_prop: constant propagation from the verifier's facts. Where a register operand holds the
// same known scalar on every path reaching an instruction, the operand becomes an immediate (when
// the value fits the form's immediate), so the instruction no longer waits for the register's
// producer and the producer may become dead. Runs before any pass renames registers, while the
// facts still describe the program's registers.
#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

bool fits_sext32(uint64_t v) {
    const auto s = static_cast<int64_t>(v);
    return s >= INT32_MIN && s <= INT32_MAX;
}

// The immediate replacing register `v` holding `c`: 32-bit uses read only the low half.
bool to_imm(Value& v, const InsnFacts& f, bool only_low32) {
    const auto* r = std::get_if<Reg>(&v);
    if (!r || r->v > 9) return false;
    const auto c = f.regs[r->v].known_const();
    if (!c) return false;
    if (only_low32) {
        v = Imm{static_cast<int32_t>(static_cast<uint32_t>(*c))};
        return true;
    }
    if (!fits_sext32(*c)) return false;
    v = Imm{static_cast<int64_t>(*c)};
    return true;
}

Jmp::Cond mirrored(Jmp::Cond c) {
    using C = Jmp::Cond;
    switch (c) {
        case C::Gt: return C::Lt;
        case C::Ge: return C::Le;
        case C::Lt: return C::Gt;
        case C::Le: return C::Ge;
        case C::Sgt: return C::Slt;
        case C::Sge: return C::Sle;
        case C::Slt: return C::Sgt;
        case C::Sle: return C::Sge;
        default: return c;  // eq, ne, set: symmetric
    }
}

}  // namespace

void const_prop(Module& m, const PassOptions&, PassStats& s) {
    if (!m.facts) return;
    for (Block& b : m.blocks)
        for (Insn& in : b.insns) {
            if (in.pc < 0) continue;
            const InsnFacts& f = m.facts->insns.at(static_cast<size_t>(in.pc));
            if (!f.reached) continue;
            bool done = false;
            if (auto* bin = std::get_if<Bin>(&in.op)) {
                const bool sx = bin->op == Bin::Op::MovSx8 || bin->op == Bin::Op::MovSx16 || bin->op == Bin::Op::MovSx32;
                if (!sx) done = to_imm(bin->v, f, !bin->is64);
            } else if (auto* j = std::get_if<Jmp>(&in.op)) {
                if (j->cond != Jmp::Cond::Always) done = to_imm(j->right, f, j->is32);
                // `if K op r`: compare the register with the constant, operands mirrored.
                if (!done && j->cond != Jmp::Cond::Always && std::holds_alternative<Reg>(j->right)) {
                    Value left = j->left;
                    if (to_imm(left, f, j->is32)) {
                        j->left = std::get<Reg>(j->right);
                        j->right = left;
                        j->cond = mirrored(j->cond);
                        done = true;
                    }
                }
            } else if (auto* st = std::get_if<Store>(&in.op)) {
                done = to_imm(st->v, f, st->width <= 4);
            }
            if (done) s.add("register operands made immediate");
        }
}

}  // namespace bpfnic::passes
