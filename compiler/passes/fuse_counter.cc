// SPDX-License-Identifier: MIT
// fuse_counter: read-modify-write of a map value to one atomic add. The counter idiom
// `x = *(u64 *)(v + o); x += k; *(u64 *)(v + o) = x` (or u32) with x dead afterwards is three
// dependent lane-0 slots (load, add, store); `x = k; lock *(u64 *)(v + o) += x` is one lane-0 slot
// with the move in any lane. Only for map values (the map unit performs the add in place) and
// only when nothing between the three touches x, v or memory. On one core the result is the same;
// with several cores sharing the map it is the atomic increment a counter wants anyway.
#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

bool touches_memory(const Op& op) {
    return std::holds_alternative<Load>(op) || std::holds_alternative<Store>(op) ||
           std::holds_alternative<Atomic>(op) || std::holds_alternative<Call>(op) ||
           std::holds_alternative<CallLocal>(op);
}

bool is_map_value(const Module& m, const Insn& in, Reg base) {
    if (in.pc < 0) return false;
    const RegFact& f = m.facts->insns.at(static_cast<size_t>(in.pc)).regs[base.v];
    return !f.mixed && f.type == verifier::RegType::MapValue;
}

// The index of the next instruction after `from` that uses or defines a register of `regs`, or
// touches memory; b.insns.size() when none.
size_t next_relevant(const Module& m, const Block& b, size_t from, RegMask regs) {
    for (size_t k = from + 1; k < b.insns.size(); ++k) {
        const Op& op = b.insns[k].op;
        if (touches_memory(op) || ((uses(op, *m.platform) | defs(op) | clobbers(op)) & regs)) return k;
    }
    return b.insns.size();
}

bool dead_after(const Module& m, const Block& b, RegMask live_out, size_t k, Reg r) {
    RegMask live = live_out;
    for (size_t i = b.insns.size(); i-- > k + 1;) live = live_before(b.insns[i].op, live, *m.platform);
    return !(live & reg_bit(r));
}

}  // namespace

void fuse_counter(Module& m, const PassOptions&, PassStats& s) {
    if (!m.facts) return;
    const Liveness lv = compute_liveness(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        for (size_t i = 0; i < b.insns.size(); ++i) {
            const auto* ld = std::get_if<Load>(&b.insns[i].op);
            if (!ld || ld->sign_ext || (ld->width != 4 && ld->width != 8)) continue;
            const Reg x = ld->dst, v = ld->base;
            if (x == v || !is_map_value(m, b.insns[i], v)) continue;
            const RegMask xv = static_cast<RegMask>(reg_bit(x) | reg_bit(v));
            const size_t j = next_relevant(m, b, i, xv);
            if (j >= b.insns.size()) continue;
            const auto* add = std::get_if<Bin>(&b.insns[j].op);
            if (!add || add->op != Bin::Op::Add || add->dst != x || (ld->width == 8 && !add->is64)) continue;
            const Value k = add->v;
            RegMask watch = xv;
            if (const auto* kr = std::get_if<Reg>(&k)) {
                if (*kr == x || *kr == v) continue;
                watch |= reg_bit(*kr);
            }
            const size_t st_at = next_relevant(m, b, j, watch);
            if (st_at >= b.insns.size()) continue;
            const auto* st = std::get_if<Store>(&b.insns[st_at].op);
            if (!st || st->base != v || st->off != ld->off || st->width != ld->width) continue;
            const auto* sv = std::get_if<Reg>(&st->v);
            if (!sv || *sv != x || !dead_after(m, b, lv.live_out[bi], st_at, x)) continue;

            const int16_t off = ld->off;
            const uint8_t width = ld->width;
            if (const auto* kr = std::get_if<Reg>(&k)) {
                b.insns[st_at].op = Atomic{Atomic::Op::Add, false, v, off, *kr, width};
                b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(j));
                b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                b.insns[st_at].op = Atomic{Atomic::Op::Add, false, v, off, x, width};
                b.insns[i].op = Bin{Bin::Op::Mov, x, k, true};
                b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(j));
            }
            s.add("load, add and store of a map value fused into an atomic add");
        }
    }
}

}  // namespace bpfnic::passes
