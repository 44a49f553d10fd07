// SPDX-License-Identifier: MIT
// remove_zeroing: drops zeroing that the hardware's self-reset makes redundant. The core starts
// every packet with r0 and r3..r9 zero and a scrubbed (all-zero) stack, so in the entry function a
// `rX = 0` before any write of rX, or a zero store through r10 to stack bytes no path has written
// yet, changes nothing. A forward "may have been written" dataflow over registers and the 512
// stack bytes finds them; stores through other stack pointers, helpers with output buffers and
// local calls count as writing the whole frame. (r1 and r2 hold the run's arguments.)
#include <bitset>

#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

constexpr RegMask kArgRegs = 0x406;  // r1, r2, r10

struct Written {
    std::bitset<512> stack;
    RegMask regs = kArgRegs;
    bool operator==(const Written&) const = default;
    void merge(const Written& o) {
        stack |= o.stack;
        regs |= o.regs;
    }
};

bool zero_value(const Value& v) { return std::holds_alternative<Imm>(v) && std::get<Imm>(v).v == 0; }

bool may_point_to_stack(const Module& m, int32_t pc, Reg base) {
    if (base.v == 10) return true;
    if (!m.facts || pc < 0) return true;
    const RegFact& f = m.facts->insns.at(static_cast<size_t>(pc)).regs.at(base.v);
    return f.mixed || f.type == verifier::RegType::Stack || f.type == verifier::RegType::NotInit;
}

bool writes_output_buffer(const Module& m, const Call& c) {
    const HelperProto* h = m.platform->find_helper(c.helper);
    if (!h) return true;
    for (ArgKind a : h->args)
        if (a == ArgKind::UninitMem) return true;
    return false;
}

// Applies one instruction; returns true when it is redundant zeroing (and leaves w unchanged).
bool step(const Module& m, const Insn& in, Written& w) {
    if (auto* b = std::get_if<Bin>(&in.op); b && b->op == Bin::Op::Mov && zero_value(b->v) && !(w.regs & reg_bit(b->dst)))
        return true;
    if (auto* s = std::get_if<Store>(&in.op); s && s->base.v == 10) {
        const int lo = 512 + s->off;
        bool clean = lo >= 0 && lo + s->width <= 512;
        for (int k = 0; clean && k < s->width; ++k) clean = !w.stack[static_cast<size_t>(lo + k)];
        if (clean && zero_value(s->v)) return true;
        if (clean) {
            for (int k = 0; k < s->width; ++k) w.stack.set(static_cast<size_t>(lo + k));
        } else {
            w.stack.set();
        }
    } else if (auto* s2 = std::get_if<Store>(&in.op)) {
        if (may_point_to_stack(m, in.pc, s2->base)) w.stack.set();
    } else if (auto* a = std::get_if<Atomic>(&in.op)) {
        if (may_point_to_stack(m, in.pc, a->base)) w.stack.set();
    } else if (auto* c = std::get_if<Call>(&in.op)) {
        if (writes_output_buffer(m, *c)) w.stack.set();
    } else if (std::holds_alternative<CallLocal>(in.op)) {
        w.stack.set();
    }
    w.regs |= static_cast<RegMask>(defs(in.op) | clobbers(in.op));
    return false;
}

}  // namespace

void remove_zeroing(Module& m, const PassOptions&, PassStats& s) {
    // Without the verifier's facts nothing proves that no register is read before it is written.
    if (!m.facts || !m.platform->hw || m.blocks.empty()) return;
    const size_t n = m.blocks.size();
    std::vector<Written> in(n);
    std::vector<bool> seen(n, false);
    seen[0] = true;
    // Forward dataflow over the entry function (func 0) to a fixed point.
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t bi = 0; bi < n; ++bi) {
            if (!seen[bi] || m.blocks[bi].func != 0) continue;
            Written w = in[bi];
            for (const Insn& i : m.blocks[bi].insns) step(m, i, w);
            for (uint32_t succ : m.blocks[bi].succs) {
                Written merged = seen[succ] ? in[succ] : w;
                merged.merge(w);
                if (!seen[succ] || !(merged == in[succ])) {
                    in[succ] = merged;
                    seen[succ] = true;
                    changed = true;
                }
            }
        }
    }
    for (size_t bi = 0; bi < n; ++bi) {
        if (!seen[bi] || m.blocks[bi].func != 0) continue;
        Written w = in[bi];
        std::vector<Insn> kept;
        for (const Insn& i : m.blocks[bi].insns) {
            if (step(m, i, w)) {
                s.add(std::holds_alternative<Store>(i.op) ? "stack zeroing removed" : "register zeroing removed");
                continue;
            }
            kept.push_back(i);
        }
        m.blocks[bi].insns = std::move(kept);
    }
}

}  // namespace bpfnic::passes
