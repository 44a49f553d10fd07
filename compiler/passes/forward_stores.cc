// SPDX-License-Identifier: MIT
// forward_stores: a load of stack bytes a register was just stored to reads the register instead.
// clang parks values in stack temporaries (xdp2's MAC swap keeps one address in a stack word);
// `*(u32 *)(r10 - 8) = r2; ...; r1 = *(u32 *)(r10 - 8)` in one block, with r2 not written and
// those bytes not stored to in between, is `w1 = w2` (a 32-bit move zero-extends as the load
// does; halfwords and bytes are masked, doublewords moved whole): an ALU slot in any lane instead
// of a lane-0 load, and the store may then be dead (dead_stores runs next). Stores through other
// possible stack pointers and calls end what is known.
#include <map>

#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

constexpr Reg kFp{10};

struct Parked {
    uint8_t width;
    Reg reg;
};

bool may_point_into_stack(const Module& m, const Insn& in, Reg base) {
    if (base == kFp || in.pc < 0 || !m.facts) return true;
    const RegFact& f = m.facts->insns.at(static_cast<size_t>(in.pc)).regs[base.v];
    return f.mixed || f.type == verifier::RegType::Stack;
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
                    const Reg src = it->second.reg, dst = ld->dst;
                    switch (ld->width) {
                        case 8: in.op = Bin{Bin::Op::Mov, dst, src, true}; break;
                        case 4: in.op = Bin{Bin::Op::Mov, dst, src, false}; break;
                        default:
                            in.op = Alu3{Bin::Op::And, dst, src, Imm{ld->width == 2 ? 0xffff : 0xff}, true};
                            break;
                    }
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
}

}  // namespace bpfnic::passes
