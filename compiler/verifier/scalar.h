// SPDX-License-Identifier: MIT
// The abstract value of a scalar register (and the variable offset of a pointer): known bits plus
// signed and unsigned ranges of the 64-bit value and of its low 32 bits, kept consistent with each
// other after every operation (kernel-style bound propagation).
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "compiler/ir.h"
#include "compiler/verifier/tnum.h"

namespace bpfnic::verifier {

struct Scalar {
    Tnum var = Tnum::unknown();
    int64_t smin = std::numeric_limits<int64_t>::min();
    int64_t smax = std::numeric_limits<int64_t>::max();
    uint64_t umin = 0;
    uint64_t umax = std::numeric_limits<uint64_t>::max();
    int32_t s32min = std::numeric_limits<int32_t>::min();
    int32_t s32max = std::numeric_limits<int32_t>::max();
    uint32_t u32min = 0;
    uint32_t u32max = std::numeric_limits<uint32_t>::max();

    static Scalar unknown() { return {}; }
    static Scalar constant(uint64_t v);
    /// Any value of [0, 2^(8*bytes) - 1] (a zero-extending load), or the signed range of that
    /// width (a sign-extending load).
    static Scalar of_width(unsigned bytes, bool sign_ext = false);
    static Scalar urange(uint64_t lo, uint64_t hi);

    bool is_const() const { return var.is_const(); }
    uint64_t value() const { return var.value; }
    /// No value satisfies all the constraints (an infeasible branch).
    bool empty() const;
    /// Re-derives every bound from the others (tnum <-> ranges, 32 <-> 64 bits).
    void sync();

    /// Every value of other is a value of this.
    bool contains(const Scalar& other) const;
    bool operator==(const Scalar&) const = default;
    std::string str() const;
};

/// The low 32 bits as an unsigned 64-bit value (what a 32-bit operation reads, zero-extended).
Scalar zext32(const Scalar& a);
/// The low 32 bits sign-extended.
Scalar sext32(const Scalar& a);
/// Values in a or b.
Scalar join(const Scalar& a, const Scalar& b);

/// dst OP src for every binary ALU operation (Mov and MovSx included), 64- or 32-bit.
Scalar alu(Bin::Op op, const Scalar& dst, const Scalar& src, bool is64);
/// Negation and byte swaps.
Scalar alu_unary(Un::Op op, const Scalar& dst, bool is64);
/// The exact result of an operation on concrete values (the ISA's semantics).
uint64_t alu_concrete(Bin::Op op, uint64_t dst, uint64_t src, bool is64);
uint64_t alu_unary_concrete(Un::Op op, uint64_t dst, bool is64);

/// Refines a and b under the assumption that "a COND b" holds (negate: it does not hold), for a
/// 64-bit or 32-bit comparison. Returns false when the assumption is impossible.
bool refine(Jmp::Cond cond, bool negate, bool is32, Scalar& a, Scalar& b);

}  // namespace bpfnic::verifier
