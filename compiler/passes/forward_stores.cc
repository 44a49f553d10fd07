// SPDX-License-Identifier: MIT
// forward_stores: a load of stack bytes a register was just stored to reads the register instead.
// clang parks values in stack temporaries (xdp2's MAC swap keeps one address in a stack word);
// `*(u32 *)(r10 - 8) = r2; ...; r1 = *(u32 *)(r10 - 8)` in one block, with r2 not written and
// those bytes not stored to in between, is `w1 = w2` (a 32-bit move zero-extends as the load
// does; halfwords and bytes are masked, doublewords moved whole): an ALU slot in any lane instead
// of a lane-0 load, and the store may then be dead (dead_stores runs next). Stores through other
// possible stack pointers and calls end what is known. When the stored register is overwritten
// before the reload, a copy kept in a spare register (one nothing touches in between and that
// holds nothing live) serves instead: a little register renaming.
#include <map>

#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"
#include "compiler/passes/stack_access.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

constexpr Reg kFp{10};

struct Parked {
    uint8_t width;
    Reg reg;
};

// The move that gives `dst` what a `width`-byte load of a stack word stored from `src` reads.
Op reload_from(Reg dst, Reg src, uint8_t width) {
    switch (width) {
        case 8: return Bin{Bin::Op::Mov, dst, src, true};
        case 4: return Bin{Bin::Op::Mov, dst, src, false};
        default: return Alu3{Bin::Op::And, dst, src, Imm{width == 2 ? 0xffff : 0xff}, true};
    }
}

bool overlaps(int32_t a, int32_t aw, int32_t b, int32_t bw) { return a < b + bw && b < a + aw; }

// The store at st_i parks register R in a stack word and a later load in the block reads that word
// back, but R is overwritten in between: keep a copy of R in a register nothing touches from the
// store to the load (and that holds nothing live there) and read that instead. Returns true when
// it changed the block.
bool forward_through_spare(const Module& m, Block& b, RegMask live_out, size_t st_i, PassStats& s) {
    const auto* st = std::get_if<Store>(&b.insns[st_i].op);
    if (!st || st->base != kFp || !std::holds_alternative<Reg>(st->v)) return false;
    const Reg r = std::get<Reg>(st->v);
    if (r == kFp || (st->width < 4 && !(m.platform->hw && m.platform->hw->ext_alu3))) return false;
    size_t ld_i = 0;
    bool call_between = false;
    RegMask touched = 0;
    for (size_t k = st_i + 1; k < b.insns.size() && !ld_i; ++k) {
        const Insn& in = b.insns[k];
        if (const auto* ld = std::get_if<Load>(&in.op); ld && ld->base == kFp) {
            if (ld->off == st->off && ld->width == st->width && !ld->sign_ext) ld_i = k;
            else if (overlaps(ld->off, ld->width, st->off, st->width)) return false;
        } else if (const auto* o = std::get_if<Store>(&in.op)) {
            if (o->base == kFp ? overlaps(o->off, o->width, st->off, st->width) : may_point_into_stack(m, in, o->base))
                return false;
        } else if (const auto* a = std::get_if<Atomic>(&in.op)) {
            if (a->base == kFp ? overlaps(a->off, a->width, st->off, st->width) : may_point_into_stack(m, in, a->base))
                return false;
        } else if (std::holds_alternative<CallLocal>(in.op) ||
                   (std::holds_alternative<Call>(in.op) && call_gets_stack_pointer(m, in))) {
            return false;
        }
        if (ld_i) break;
        call_between |= std::holds_alternative<Call>(in.op);
        touched |= static_cast<RegMask>(uses(in.op, *m.platform) | defs(in.op) | clobbers(in.op));
    }
    if (!ld_i) return false;
    RegMask live = live_out;  // live just after the store
    for (size_t k = b.insns.size(); k-- > st_i + 1;) live = live_before(b.insns[k].op, live, *m.platform);
    const RegMask busy = static_cast<RegMask>(live | touched | reg_bit(r) | 0x400);
    int spare = -1;
    for (int t = call_between ? 6 : 0; t <= 9 && spare < 0; ++t)
        if (!(busy & (1u << t))) spare = t;
    if (spare < 0) return false;
    const Reg t{static_cast<uint8_t>(spare)};
    const Load ld = std::get<Load>(b.insns[ld_i].op);
    b.insns[ld_i].op = reload_from(ld.dst, t, ld.width);
    b.insns.insert(b.insns.begin() + static_cast<std::ptrdiff_t>(st_i), Insn{Bin{Bin::Op::Mov, t, r, true}, -1});
    s.add("stack loads forwarded through a spare register");
    return true;
}

}  // namespace

void forward_stores(Module& m, const PassOptions&, PassStats& s) {
    for (Block& b : m.blocks) {
        std::map<int32_t, Parked> parked;  // stack offset -> the register stored there
        auto forget_overlap = [&](int32_t lo, int32_t hi) {
            for (auto it = parked.begin(); it != parked.end();)
                it = (it->first < hi && lo < it->first + it->second.width) ? parked.erase(it) : std::next(it);
        };
        for (Insn& in : b.insns) {
            if (const auto* ld = std::get_if<Load>(&in.op); ld && ld->base == kFp && !ld->sign_ext) {
                auto it = parked.find(ld->off);
                const bool alu3 = m.platform->hw && m.platform->hw->ext_alu3;
                if (it != parked.end() && it->second.width == ld->width && it->second.reg != kFp &&
                    (ld->width >= 4 || alu3)) {
                    in.op = reload_from(ld->dst, it->second.reg, ld->width);
                    s.add("stack loads forwarded from the stored register");
                }
            } else if (const auto* st = std::get_if<Store>(&in.op)) {
                if (st->base == kFp) {
                    forget_overlap(st->off, st->off + st->width);
                    if (const auto* r = std::get_if<Reg>(&st->v)) parked[st->off] = Parked{st->width, *r};
                } else if (may_point_into_stack(m, in, st->base)) {
                    parked.clear();
                }
            } else if (const auto* a = std::get_if<Atomic>(&in.op)) {
                if (a->base == kFp) forget_overlap(a->off, a->off + a->width);
                else if (may_point_into_stack(m, in, a->base)) parked.clear();
            } else if (std::holds_alternative<Call>(in.op) || std::holds_alternative<CallLocal>(in.op)) {
                parked.clear();
            }
            const RegMask written = static_cast<RegMask>(defs(in.op) | clobbers(in.op));
            for (auto it = parked.begin(); it != parked.end();)
                it = (written & reg_bit(it->second.reg)) ? parked.erase(it) : std::next(it);
        }
    }
    // Words whose register was overwritten before the reload: through a spare register.
    const Liveness lv = compute_liveness(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi)
        for (size_t i = 0; i < m.blocks[bi].insns.size(); ++i)
            if (forward_through_spare(m, m.blocks[bi], lv.live_out[bi], i, s)) ++i;
}

}  // namespace bpfnic::passes
