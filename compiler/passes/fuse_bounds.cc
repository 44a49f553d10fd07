// SPDX-License-Identifier: MIT
// fuse_bounds: packet bounds checks in one slot. A block ending in `t = p + k; ...; if t > end`
// (or `if end < t`) ends instead in `if p + k > end` (JmpAddGt: decode forms the sum), provided p
// is not written in between. The jump no longer waits a bundle for the add, and when t is not
// read afterwards the add disappears too. The in-place form `p += k; if p > end` fuses when p is
// dead after the jump.
#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

// The compared register and the bound, for `t > end` or `end < t` (64-bit, register bound).
bool as_greater(const Jmp& j, Reg& t, Reg& end) {
    if (j.is32 || !std::holds_alternative<Reg>(j.right)) return false;
    const Reg r = std::get<Reg>(j.right);
    if (j.cond == Jmp::Cond::Gt) {
        t = j.left, end = r;
        return true;
    }
    if (j.cond == Jmp::Cond::Lt) {
        t = r, end = j.left;
        return true;
    }
    return false;
}

}  // namespace

void fuse_bounds(Module& m, const PassOptions&, PassStats& s) {
    if (!m.platform->hw || !m.platform->hw->ext_jgt_add) return;
    const Liveness live = compute_liveness(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        if (b.insns.size() < 2) continue;
        const auto* j = std::get_if<Jmp>(&b.insns.back().op);
        Reg t, end;
        if (!j || !as_greater(*j, t, end) || t.v == end.v) continue;
        const size_t last = b.insns.size() - 1;
        // The last write of t before the jump, and what happens between.
        size_t def = last;
        for (size_t k = last; k-- > 0;)
            if ((defs(b.insns[k].op) | clobbers(b.insns[k].op)) & reg_bit(t)) {
                def = k;
                break;
            }
        if (def == last) continue;
        Reg base;
        int64_t kval;
        bool in_place = false;
        if (auto* a3 = std::get_if<Alu3>(&b.insns[def].op);
            a3 && a3->op == Bin::Op::Add && a3->is64 && std::holds_alternative<Imm>(a3->b)) {
            base = a3->a;
            kval = std::get<Imm>(a3->b).v;
        } else if (auto* add = std::get_if<Bin>(&b.insns[def].op);
                   add && add->op == Bin::Op::Add && add->is64 && std::holds_alternative<Imm>(add->v)) {
            base = add->dst;
            kval = std::get<Imm>(add->v).v;
            in_place = true;
        } else {
            continue;
        }
        bool base_kept = true, t_read_between = false;
        for (size_t k = def + 1; k < last; ++k) {
            if ((defs(b.insns[k].op) | clobbers(b.insns[k].op)) & reg_bit(base)) base_kept = false;
            if (uses(b.insns[k].op, *m.platform) & reg_bit(t)) t_read_between = true;
        }
        if (in_place) base_kept = !t_read_between;  // base is t itself: its old value must survive to the jump
        if (!base_kept || base.v == 10) continue;
        const bool t_dead = !(live.live_out[bi] & reg_bit(t)) && !t_read_between;
        if (in_place && !t_dead) continue;
        b.insns.back().op = JmpAddGt{base, static_cast<int32_t>(kval), end, j->target};
        s.add("bounds checks fused into one jump");
        if (t_dead) {
            b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(def));
            s.add("bounds-check additions removed");
        }
    }
}

}  // namespace bpfnic::passes
