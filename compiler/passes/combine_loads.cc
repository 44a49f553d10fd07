// SPDX-License-Identifier: MIT
// combine_loads: two narrow loads joined into one twice as wide. clang reads a 16-bit field it
// cannot prove aligned (the Ethernet type, ports in packed headers) as
//     a = *(u8 *)(p + o + 1); c = *(u8 *)(p + o); a <<= 8; a |= c
// which is exactly the little-endian `a = *(u16 *)(p + o)` (the core's memories take any
// alignment, and the access faults exactly when one of the two would); halfword pairs shifted by
// 16 make a word, word pairs shifted by 32 (64-bit shift and or) a doubleword, and pairs made here
// join again. Applies in a block when p is not written in between, nothing else reads a or c in
// between, and c is dead after.
#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

const Load* narrow_load(const Op& op) {
    const auto* l = std::get_if<Load>(&op);
    return l && l->width <= 4 && !l->sign_ext ? l : nullptr;
}

// Index of the last instruction before `end` (after `begin`, exclusive) writing r, or -1.
int last_def(const std::vector<Insn>& v, int begin, int end, Reg r) {
    for (int k = end - 1; k > begin; --k)
        if ((defs(v[static_cast<size_t>(k)].op) | clobbers(v[static_cast<size_t>(k)].op)) & reg_bit(r)) return k;
    return -1;
}

bool reads_between(const std::vector<Insn>& v, int from, int to, Reg r, const Platform& p) {
    for (int k = from + 1; k < to; ++k)
        if (uses(v[static_cast<size_t>(k)].op, p) & reg_bit(r)) return true;
    return false;
}

bool dead_after(const std::vector<Insn>& v, int from, Reg r, RegMask live_out, const Platform& p) {
    for (size_t k = static_cast<size_t>(from) + 1; k < v.size(); ++k) {
        if (uses(v[k].op, p) & reg_bit(r)) return false;
        if ((defs(v[k].op) | clobbers(v[k].op)) & reg_bit(r)) return true;
    }
    return !(live_out & reg_bit(r));
}

}  // namespace

void combine_loads(Module& m, const PassOptions&, PassStats& s) {
    const Liveness live = compute_liveness(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        auto& v = m.blocks[bi].insns;
        for (int l = 0; l < static_cast<int>(v.size()); ++l) {
            const auto* orr = std::get_if<Bin>(&v[static_cast<size_t>(l)].op);
            if (!orr || orr->op != Bin::Op::Or || !std::holds_alternative<Reg>(orr->v)) continue;
            const Reg a = orr->dst, c = std::get<Reg>(orr->v);
            if (a.v == c.v) continue;
            const int k = last_def(v, -1, l, a);
            if (k < 0) continue;
            const auto* sh = std::get_if<Bin>(&v[static_cast<size_t>(k)].op);
            if (!sh || sh->op != Bin::Op::Lsh || sh->dst.v != a.v || !std::holds_alternative<Imm>(sh->v)) continue;
            const int i = last_def(v, -1, k, a), j = last_def(v, -1, l, c);
            if (i < 0 || j < 0) continue;
            const Load* hi = narrow_load(v[static_cast<size_t>(i)].op);
            const Load* lo = narrow_load(v[static_cast<size_t>(j)].op);
            if (!hi || !lo || hi->width != lo->width || hi->base.v != lo->base.v || hi->off != lo->off + hi->width)
                continue;
            const uint8_t w = hi->width;
            if (std::get<Imm>(sh->v).v != 8 * w || (w == 4 && !(sh->is64 && orr->is64))) continue;
            const Reg base = hi->base;
            if (base.v == a.v || base.v == c.v) continue;
            const int first = std::min(i, j), second = std::max(i, j);
            if (last_def(v, first, l, base) >= 0) continue;
            if (reads_between(v, i, k, a, *m.platform) || reads_between(v, k, l, a, *m.platform) ||
                last_def(v, k, l, a) >= 0 || reads_between(v, j, l, c, *m.platform) ||
                !dead_after(v, l, c, live.live_out[bi], *m.platform))
                continue;
            const Load joined{a, base, lo->off, static_cast<uint8_t>(2 * w), false};
            const int32_t pc = v[static_cast<size_t>(second)].pc;
            v[static_cast<size_t>(second)] = Insn{joined, pc};
            for (int del : {l, k, first})  // descending: indexes stay valid
                v.erase(v.begin() + del);
            s.add(w == 1 ? "byte-load pairs joined into halfword loads"
                         : w == 2 ? "halfword-load pairs joined into word loads"
                                  : "word-load pairs joined into doubleword loads");
            l = first;
        }
    }
}

}  // namespace bpfnic::passes
