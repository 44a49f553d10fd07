// SPDX-License-Identifier: MIT
// Tristate numbers ("tnums"): 64 bits each known 0, known 1 or unknown, as the kernel verifier
// tracks them. value holds the known-1 bits, mask the unknown bits (value & mask == 0).
#pragma once

#include <cstdint>
#include <string>

namespace bpfnic::verifier {

struct Tnum {
    uint64_t value = 0;
    uint64_t mask = ~0ull;

    static constexpr Tnum constant(uint64_t v) { return {v, 0}; }
    static constexpr Tnum unknown() { return {0, ~0ull}; }
    /// The smallest tnum containing every value of [min, max].
    static Tnum range(uint64_t min, uint64_t max);

    bool is_const() const { return mask == 0; }
    uint64_t umin() const { return value; }
    uint64_t umax() const { return value | mask; }
    /// Does every value of other belong to this?
    bool contains(const Tnum& other) const {
        if (other.mask & ~mask) return false;
        return value == (other.value & ~mask);
    }
    bool operator==(const Tnum&) const = default;
    std::string str() const;
};

Tnum tnum_add(Tnum a, Tnum b);
Tnum tnum_sub(Tnum a, Tnum b);
Tnum tnum_mul(Tnum a, Tnum b);
Tnum tnum_and(Tnum a, Tnum b);
Tnum tnum_or(Tnum a, Tnum b);
Tnum tnum_xor(Tnum a, Tnum b);
Tnum tnum_lsh(Tnum a, unsigned shift);
Tnum tnum_rsh(Tnum a, unsigned shift);
Tnum tnum_arsh(Tnum a, unsigned shift);
/// Values in both (caller checks tnum_conflict first when both may disagree).
Tnum tnum_intersect(Tnum a, Tnum b);
/// True when no value belongs to both.
inline bool tnum_conflict(Tnum a, Tnum b) { return ((a.value ^ b.value) & ~a.mask & ~b.mask) != 0; }
/// Values in either.
Tnum tnum_union(Tnum a, Tnum b);
/// Low `bytes` bytes, upper bits known zero.
Tnum tnum_cast(Tnum a, unsigned bytes);
/// The low 32 bits sign-extended to 64.
Tnum tnum_sext32(Tnum a);
/// Replaces the low 32 bits of a with the low 32 bits of sub.
Tnum tnum_with_subreg(Tnum a, Tnum sub);

}  // namespace bpfnic::verifier
