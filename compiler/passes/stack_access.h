// SPDX-License-Identifier: MIT
// What the verifier's facts say about stack access, for the passes that move or remove stack
// loads and stores (forward_stores, dead_stores).
#pragma once

#include "compiler/mir.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

/// Does the helper call `in` get a pointer that may point into the stack (so it may read or write
/// stack bytes)? True when the facts are missing.
inline bool call_gets_stack_pointer(const mir::Module& m, const mir::Insn& in) {
    if (in.pc < 0 || !m.facts) return true;
    const InsnFacts& f = m.facts->insns.at(static_cast<size_t>(in.pc));
    for (int r = 1; r <= 5; ++r)
        if (f.regs[r].mixed || f.regs[r].type == verifier::RegType::Stack) return true;
    return false;
}

/// May `base` (at instruction `in`) point into the stack? r10 does; true when the facts are missing.
inline bool may_point_into_stack(const mir::Module& m, const mir::Insn& in, Reg base) {
    if (base.v == 10 || in.pc < 0 || !m.facts) return true;
    const RegFact& f = m.facts->insns.at(static_cast<size_t>(in.pc)).regs[base.v];
    return f.mixed || f.type == verifier::RegType::Stack;
}

}  // namespace bpfnic::passes
