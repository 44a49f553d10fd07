// SPDX-License-Identifier: MIT
// The scalar domain against concrete arithmetic: for random sets of values, every concrete result
// of an operation must lie in the abstract result, and branch refinement must keep every pair of
// values for which the condition holds.
#include <gtest/gtest.h>

#include <random>

#include "compiler/verifier/scalar.h"

namespace bpfnic::verifier {
namespace {

bool holds_value(const Scalar& s, uint64_t v) {
    const int64_t sv = static_cast<int64_t>(v);
    const uint32_t u32 = static_cast<uint32_t>(v);
    const int32_t s32 = static_cast<int32_t>(u32);
    return s.umin <= v && v <= s.umax && s.smin <= sv && sv <= s.smax && s.u32min <= u32 && u32 <= s.u32max &&
           s.s32min <= s32 && s32 <= s.s32max && (v & ~s.var.mask) == s.var.value;
}

class ValueSource {
public:
    explicit ValueSource(uint32_t seed) : rng_(seed) {}
    uint64_t value() {
        static const uint64_t special[] = {0, 1, 2, 7, 8, 63, 64, 255, 0x7fffffff, 0x80000000, 0xffffffff,
                                           0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull, ~0ull - 1};
        switch (rng_() % 4) {
            case 0: return special[rng_() % std::size(special)];
            case 1: return rng_() % 100;
            case 2: return static_cast<uint64_t>(-static_cast<int64_t>(rng_() % 100));
            default: return (static_cast<uint64_t>(rng_()) << 32) | rng_();
        }
    }
    // A set of values near each other (often), and its abstraction.
    std::vector<uint64_t> set() {
        std::vector<uint64_t> vs{value()};
        const int n = static_cast<int>(rng_() % 4);
        for (int i = 0; i < n; ++i) vs.push_back(rng_() % 2 ? vs[0] + rng_() % 16 : value());
        return vs;
    }
    uint32_t raw() { return rng_(); }

private:
    std::mt19937 rng_;
};

Scalar abstract(const std::vector<uint64_t>& vs) {
    Scalar s = Scalar::constant(vs[0]);
    for (uint64_t v : vs) s = join(s, Scalar::constant(v));
    s.sync();
    return s;
}

TEST(VerifierScalar, ConstantsAndWidths) {
    const Scalar c = Scalar::constant(42);
    EXPECT_TRUE(c.is_const());
    EXPECT_EQ(c.value(), 42u);
    const Scalar b = Scalar::of_width(1);
    EXPECT_EQ(b.umax, 255u);
    EXPECT_EQ(b.smin, 0);
    const Scalar sb = Scalar::of_width(2, true);
    EXPECT_EQ(sb.smin, -32768);
    EXPECT_EQ(sb.smax, 32767);
    // x & 0xf of anything: [0, 15] with the upper bits known zero.
    const Scalar m = alu(Bin::Op::And, Scalar::unknown(), Scalar::constant(15), true);
    EXPECT_EQ(m.umax, 15u);
    EXPECT_EQ(m.var.mask, 15u);
    // ((x & 0xf) << 2) + 14 stays in [14, 74].
    const Scalar sh = alu(Bin::Op::Add, alu(Bin::Op::Lsh, m, Scalar::constant(2), true), Scalar::constant(14), true);
    EXPECT_EQ(sh.umin, 14u);
    EXPECT_EQ(sh.umax, 74u);
    // Division and modulo by zero are defined: 0 and the dividend.
    EXPECT_EQ(alu(Bin::Op::UDiv, Scalar::constant(9), Scalar::constant(0), true).value(), 0u);
    EXPECT_EQ(alu(Bin::Op::UMod, Scalar::constant(9), Scalar::constant(0), true).value(), 9u);
}

TEST(VerifierScalar, RefinementNarrowsRanges) {
    Scalar a = Scalar::of_width(4), b = Scalar::constant(10);
    ASSERT_TRUE(refine(Jmp::Cond::Gt, true, false, a, b));  // not (a > 10)
    EXPECT_EQ(a.umax, 10u);
    Scalar c = Scalar::constant(3), d = Scalar::constant(3);
    EXPECT_FALSE(refine(Jmp::Cond::Ne, false, false, c, d));
    Scalar e = Scalar::unknown(), f = Scalar::constant(0);
    ASSERT_TRUE(refine(Jmp::Cond::Slt, true, false, e, f));  // e >= 0 (signed)
    EXPECT_EQ(e.smin, 0);
    Scalar g = Scalar::unknown(), h = Scalar::constant(5);
    ASSERT_TRUE(refine(Jmp::Cond::Le, false, true, g, h));  // w(g) <= 5
    EXPECT_EQ(g.u32max, 5u);
}

TEST(VerifierScalar, AluIsSoundOnRandomSets) {
    ValueSource src(12345);
    const Bin::Op ops[] = {Bin::Op::Mov, Bin::Op::MovSx8, Bin::Op::MovSx16, Bin::Op::MovSx32, Bin::Op::Add,
                           Bin::Op::Sub, Bin::Op::Mul,    Bin::Op::UDiv,    Bin::Op::SDiv,    Bin::Op::UMod,
                           Bin::Op::SMod, Bin::Op::Or,    Bin::Op::And,     Bin::Op::Lsh,     Bin::Op::Rsh,
                           Bin::Op::Arsh, Bin::Op::Xor};
    for (int iter = 0; iter < 20000; ++iter) {
        const auto as = src.set(), bs = src.set();
        const Scalar a = abstract(as), b = abstract(bs);
        for (uint64_t v : as) ASSERT_TRUE(holds_value(a, v));
        const Bin::Op op = ops[src.raw() % std::size(ops)];
        const bool is64 = src.raw() % 2;
        if ((op == Bin::Op::MovSx32 && !is64)) continue;
        const Scalar r = alu(op, a, b, is64);
        for (uint64_t x : as)
            for (uint64_t y : bs) {
                const uint64_t c = alu_concrete(op, x, y, is64);
                ASSERT_TRUE(holds_value(r, c)) << op_name(op) << (is64 ? "" : "32") << " " << x << ", " << y << " = " << c
                                               << " not in " << r.str() << " (from " << a.str() << " and " << b.str() << ")";
            }
    }
}

TEST(VerifierScalar, UnaryIsSoundOnRandomSets) {
    ValueSource src(777);
    for (int iter = 0; iter < 5000; ++iter) {
        const auto as = src.set();
        const Scalar a = abstract(as);
        const Un::Op op = static_cast<Un::Op>(src.raw() % 10);
        const bool is64 = src.raw() % 2;
        const Scalar r = alu_unary(op, a, is64);
        for (uint64_t x : as) ASSERT_TRUE(holds_value(r, alu_unary_concrete(op, x, is64))) << op_name(op) << " " << x;
    }
}

bool cond_holds(Jmp::Cond c, uint64_t a, uint64_t b, bool is32) {
    if (is32) {
        a = static_cast<uint32_t>(a);
        b = static_cast<uint32_t>(b);
    }
    const int64_t sa = is32 ? static_cast<int32_t>(a) : static_cast<int64_t>(a);
    const int64_t sb = is32 ? static_cast<int32_t>(b) : static_cast<int64_t>(b);
    switch (c) {
        case Jmp::Cond::Eq: return a == b;
        case Jmp::Cond::Ne: return a != b;
        case Jmp::Cond::Gt: return a > b;
        case Jmp::Cond::Ge: return a >= b;
        case Jmp::Cond::Lt: return a < b;
        case Jmp::Cond::Le: return a <= b;
        case Jmp::Cond::Sgt: return sa > sb;
        case Jmp::Cond::Sge: return sa >= sb;
        case Jmp::Cond::Slt: return sa < sb;
        case Jmp::Cond::Sle: return sa <= sb;
        case Jmp::Cond::Set: return (a & b) != 0;
        case Jmp::Cond::Always: return true;
    }
    return false;
}

TEST(VerifierScalar, RefinementKeepsEveryConsistentPair) {
    ValueSource src(99);
    for (int iter = 0; iter < 30000; ++iter) {
        const auto as = src.set(), bs = src.set();
        const auto cond = static_cast<Jmp::Cond>(1 + src.raw() % 11);
        const bool negate = src.raw() % 2, is32 = src.raw() % 2;
        Scalar a = abstract(as), b = abstract(bs);
        const bool feasible = refine(cond, negate, is32, a, b);
        for (uint64_t x : as)
            for (uint64_t y : bs) {
                if (cond_holds(cond, x, y, is32) == negate) continue;
                ASSERT_TRUE(feasible) << cond_name(cond) << (negate ? " (negated)" : "") << (is32 ? " 32" : "") << " "
                                      << x << ", " << y;
                ASSERT_TRUE(holds_value(a, x) && holds_value(b, y))
                    << cond_name(cond) << (negate ? " (negated)" : "") << (is32 ? " 32" : "") << " " << x << ", " << y
                    << ": " << a.str() << " / " << b.str();
            }
    }
}

}  // namespace
}  // namespace bpfnic::verifier
