// SPDX-License-Identifier: MIT
// Tristate number arithmetic (the kernel's tnum algebra, rewritten for the project).
#include "compiler/verifier/tnum.h"

#include <bit>
#include <cstdio>

namespace bpfnic::verifier {

Tnum Tnum::range(uint64_t min, uint64_t max) {
    const uint64_t chi = min ^ max;
    const int bits = chi == 0 ? 0 : 64 - std::countl_zero(chi);
    if (bits > 63) return unknown();
    const uint64_t delta = (1ull << bits) - 1;
    return {min & ~delta, delta};
}

std::string Tnum::str() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "(%#llx; %#llx)", static_cast<unsigned long long>(value),
                  static_cast<unsigned long long>(mask));
    return buf;
}

Tnum tnum_add(Tnum a, Tnum b) {
    const uint64_t sm = a.mask + b.mask, sv = a.value + b.value;
    const uint64_t sigma = sm + sv, chi = sigma ^ sv;
    const uint64_t mu = chi | a.mask | b.mask;
    return {sv & ~mu, mu};
}

Tnum tnum_sub(Tnum a, Tnum b) {
    const uint64_t dv = a.value - b.value;
    const uint64_t alpha = dv + a.mask, beta = dv - b.mask;
    const uint64_t mu = (alpha ^ beta) | a.mask | b.mask;
    return {dv & ~mu, mu};
}

Tnum tnum_and(Tnum a, Tnum b) {
    const uint64_t alpha = a.value | a.mask, beta = b.value | b.mask, v = a.value & b.value;
    return {v, alpha & beta & ~v};
}

Tnum tnum_or(Tnum a, Tnum b) {
    const uint64_t v = a.value | b.value, mu = a.mask | b.mask;
    return {v, mu & ~v};
}

Tnum tnum_xor(Tnum a, Tnum b) {
    const uint64_t v = a.value ^ b.value, mu = a.mask | b.mask;
    return {v & ~mu, mu};
}

Tnum tnum_lsh(Tnum a, unsigned s) { return {a.value << s, a.mask << s}; }
Tnum tnum_rsh(Tnum a, unsigned s) { return {a.value >> s, a.mask >> s}; }
Tnum tnum_arsh(Tnum a, unsigned s) {
    return {static_cast<uint64_t>(static_cast<int64_t>(a.value) >> s),
            static_cast<uint64_t>(static_cast<int64_t>(a.mask) >> s)};
}

Tnum tnum_mul(Tnum a, Tnum b) {
    const uint64_t acc_v = a.value * b.value;
    Tnum acc_m = Tnum::constant(0);
    while (a.value || a.mask) {
        if (a.value & 1)
            acc_m = tnum_add(acc_m, Tnum{0, b.mask});
        else if (a.mask & 1)
            acc_m = tnum_add(acc_m, Tnum{0, b.value | b.mask});
        a = tnum_rsh(a, 1);
        b = tnum_lsh(b, 1);
    }
    return tnum_add(Tnum::constant(acc_v), acc_m);
}

Tnum tnum_intersect(Tnum a, Tnum b) {
    const uint64_t v = a.value | b.value, mu = a.mask & b.mask;
    return {v & ~mu, mu};
}

Tnum tnum_union(Tnum a, Tnum b) {
    const uint64_t mu = a.mask | b.mask | (a.value ^ b.value);
    return {a.value & ~mu, mu};
}

Tnum tnum_cast(Tnum a, unsigned bytes) {
    if (bytes >= 8) return a;
    const uint64_t keep = (1ull << (bytes * 8)) - 1;
    return {a.value & keep, a.mask & keep};
}

Tnum tnum_sext32(Tnum a) {
    return {static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a.value))),
            static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a.mask)))};
}

Tnum tnum_with_subreg(Tnum a, Tnum sub) {
    const uint64_t hi = 0xffffffff00000000ull;
    return {(a.value & hi) | (sub.value & 0xffffffffull), (a.mask & hi) | (sub.mask & 0xffffffffull)};
}

}  // namespace bpfnic::verifier
