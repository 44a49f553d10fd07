// SPDX-License-Identifier: MIT
// Scalar abstract domain: arithmetic, bound synchronisation and branch refinement.
#include "compiler/verifier/scalar.h"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace bpfnic::verifier {
namespace {

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr uint32_t kU32Max = std::numeric_limits<uint32_t>::max();
constexpr int64_t kS64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kS64Max = std::numeric_limits<int64_t>::max();
constexpr int32_t kS32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kS32Max = std::numeric_limits<int32_t>::max();

Scalar full() { return Scalar::unknown(); }

// A scalar whose 64-bit unsigned range is [lo, hi] with no other information, synced.
Scalar from_urange(uint64_t lo, uint64_t hi, Tnum var = Tnum::unknown()) {
    Scalar r;
    r.umin = lo;
    r.umax = hi;
    r.var = var;
    r.sync();
    return r;
}

Scalar from_srange(int64_t lo, int64_t hi, Tnum var = Tnum::unknown()) {
    Scalar r;
    r.smin = lo;
    r.smax = hi;
    r.var = var;
    r.sync();
    return r;
}

Scalar add64(const Scalar& a, const Scalar& b) {
    Scalar r;
    r.var = tnum_add(a.var, b.var);
    int64_t lo, hi;
    if (!__builtin_add_overflow(a.smin, b.smin, &lo) && !__builtin_add_overflow(a.smax, b.smax, &hi)) {
        r.smin = lo;
        r.smax = hi;
    }
    uint64_t ulo, uhi;
    if (!__builtin_add_overflow(a.umin, b.umin, &ulo) && !__builtin_add_overflow(a.umax, b.umax, &uhi)) {
        r.umin = ulo;
        r.umax = uhi;
    }
    r.sync();
    return r;
}

Scalar sub64(const Scalar& a, const Scalar& b) {
    Scalar r;
    r.var = tnum_sub(a.var, b.var);
    int64_t lo, hi;
    if (!__builtin_sub_overflow(a.smin, b.smax, &lo) && !__builtin_sub_overflow(a.smax, b.smin, &hi)) {
        r.smin = lo;
        r.smax = hi;
    }
    if (a.umin >= b.umax) {
        r.umin = a.umin - b.umax;
        r.umax = a.umax - b.umin;
    }
    r.sync();
    return r;
}

Scalar mul64(const Scalar& a, const Scalar& b) {
    Scalar r;
    r.var = tnum_mul(a.var, b.var);
    if (a.umax <= kU32Max && b.umax <= kU32Max) {
        r.umin = a.umin * b.umin;
        r.umax = a.umax * b.umax;
        if (r.umax <= static_cast<uint64_t>(kS64Max)) {
            r.smin = static_cast<int64_t>(r.umin);
            r.smax = static_cast<int64_t>(r.umax);
        }
    }
    r.sync();
    return r;
}

Scalar bitwise64(Bin::Op op, const Scalar& a, const Scalar& b) {
    Scalar r;
    const bool nonneg = a.smin >= 0 && b.smin >= 0;
    if (op == Bin::Op::And) {
        r.var = tnum_and(a.var, b.var);
        r.umin = r.var.value;
        r.umax = std::min(a.umax, b.umax);
    } else if (op == Bin::Op::Or) {
        r.var = tnum_or(a.var, b.var);
        r.umin = std::max(a.umin, b.umin);
        r.umax = r.var.value | r.var.mask;
    } else {
        r.var = tnum_xor(a.var, b.var);
        r.umin = r.var.value;
        r.umax = r.var.value | r.var.mask;
    }
    if (nonneg && r.umax <= static_cast<uint64_t>(kS64Max)) {
        r.smin = static_cast<int64_t>(r.umin);
        r.smax = static_cast<int64_t>(r.umax);
    }
    r.sync();
    return r;
}

Scalar shift64(Bin::Op op, const Scalar& a, const Scalar& b) {
    if (b.is_const()) {
        const unsigned k = static_cast<unsigned>(b.value() & 63);
        Scalar r;
        if (op == Bin::Op::Lsh) {
            r.var = tnum_lsh(a.var, k);
            if (k == 0 || a.umax <= (kU64Max >> k)) {
                r.umin = a.umin << k;
                r.umax = a.umax << k;
            }
        } else if (op == Bin::Op::Rsh) {
            r.var = tnum_rsh(a.var, k);
            r.umin = a.umin >> k;
            r.umax = a.umax >> k;
        } else {
            r.var = tnum_arsh(a.var, k);
            r.smin = a.smin >> k;
            r.smax = a.smax >> k;
        }
        r.sync();
        return r;
    }
    if (op == Bin::Op::Rsh && b.umax < 64) return from_urange(a.umin >> b.umax, a.umax >> b.umin);
    return full();
}

Scalar divmod64(Bin::Op op, const Scalar& a, const Scalar& b) {
    if (op == Bin::Op::UDiv) {
        if (b.is_const()) {
            if (b.value() == 0) return Scalar::constant(0);
            return from_urange(a.umin / b.value(), a.umax / b.value());
        }
        if (b.umin >= 1) return from_urange(a.umin / b.umax, a.umax / b.umin);
        return from_urange(0, a.umax);
    }
    if (op == Bin::Op::UMod) {
        if (b.is_const()) {
            if (b.value() == 0 || a.umax < b.value()) return a;
            return from_urange(0, std::min(a.umax, b.value() - 1));
        }
        if (b.umin >= 1) return from_urange(0, std::min(a.umax, b.umax - 1));
        return from_urange(0, a.umax);
    }
    return full();  // signed division of non-constants
}

Scalar movsx(unsigned bits, const Scalar& b) {
    const int64_t lo = -(int64_t{1} << (bits - 1)), hi = (int64_t{1} << (bits - 1)) - 1;
    if (b.smin >= lo && b.smax <= hi) return b;
    return from_srange(lo, hi);
}

Scalar alu64(Bin::Op op, const Scalar& a, const Scalar& b) {
    using O = Bin::Op;
    switch (op) {
        case O::Mov: return b;
        case O::MovSx8: return movsx(8, b);
        case O::MovSx16: return movsx(16, b);
        case O::MovSx32: return movsx(32, b);
        case O::Add: return add64(a, b);
        case O::Sub: return sub64(a, b);
        case O::Mul: return mul64(a, b);
        case O::And:
        case O::Or:
        case O::Xor: return bitwise64(op, a, b);
        case O::Lsh:
        case O::Rsh:
        case O::Arsh: return shift64(op, a, b);
        case O::UDiv:
        case O::UMod:
        case O::SDiv:
        case O::SMod: return divmod64(op, a, b);
    }
    return full();
}

uint64_t zx32(uint64_t v) { return v & 0xffffffffull; }

}  // namespace

Scalar Scalar::constant(uint64_t v) {
    Scalar r;
    r.var = Tnum::constant(v);
    r.umin = r.umax = v;
    r.smin = r.smax = static_cast<int64_t>(v);
    r.u32min = r.u32max = static_cast<uint32_t>(v);
    r.s32min = r.s32max = static_cast<int32_t>(v);
    return r;
}

Scalar Scalar::of_width(unsigned bytes, bool sign_ext) {
    if (bytes >= 8) return unknown();
    if (sign_ext) return from_srange(-(int64_t{1} << (bytes * 8 - 1)), (int64_t{1} << (bytes * 8 - 1)) - 1);
    return from_urange(0, (uint64_t{1} << (bytes * 8)) - 1);
}

namespace {

// Signed and unsigned bounds of one width tighten each other (the kernel's
// __reg{32,64}_deduce_bounds): when the signed range does not cross zero both ranges are the
// same set; otherwise each known half of the unsigned range fixes one end of the signed one.
template <typename S, typename U>
void deduce_sign_bounds(S& smin, S& smax, U& umin, U& umax) {
    if (smin >= 0 || smax < 0) {
        const U lo = std::max(static_cast<U>(smin), umin);
        const U hi = std::min(static_cast<U>(smax), umax);
        umin = lo, umax = hi;
        smin = static_cast<S>(lo), smax = static_cast<S>(hi);
    } else if (static_cast<S>(umax) >= 0) {
        smin = static_cast<S>(umin);
        umax = std::min(static_cast<U>(smax), umax);
        smax = static_cast<S>(umax);
    } else if (static_cast<S>(umin) < 0) {
        umin = std::max(static_cast<U>(smin), umin);
        smin = static_cast<S>(umin);
        smax = static_cast<S>(umax);
    }
}

}  // namespace

Scalar Scalar::urange(uint64_t lo, uint64_t hi) { return from_urange(lo, hi); }

bool Scalar::empty() const { return umin > umax || smin > smax || u32min > u32max || s32min > s32max; }

void Scalar::sync() {
    auto from_tnum = [this] {
        smin = std::max(smin, static_cast<int64_t>(var.value | (var.mask & (1ull << 63))));
        smax = std::min(smax, static_cast<int64_t>(var.value | (var.mask & ~(1ull << 63))));
        umin = std::max(umin, var.value);
        umax = std::min(umax, var.value | var.mask);
        const Tnum sub = tnum_cast(var, 4);
        s32min = std::max(s32min, static_cast<int32_t>(static_cast<uint32_t>(sub.value | (sub.mask & 0x80000000u))));
        s32max = std::min(s32max, static_cast<int32_t>(static_cast<uint32_t>(sub.value | (sub.mask & 0x7fffffffu))));
        u32min = std::max(u32min, static_cast<uint32_t>(sub.value));
        u32max = std::min(u32max, static_cast<uint32_t>(sub.value | sub.mask));
    };
    auto deduce32 = [this] { deduce_sign_bounds(s32min, s32max, u32min, u32max); };
    auto deduce64 = [this] { deduce_sign_bounds(smin, smax, umin, umax); };
    auto mixed = [this] {
        // 64 -> 32: when the upper halves agree, the low halves are ordered like the values.
        if ((umin >> 32) == (umax >> 32)) {
            u32min = std::max(u32min, static_cast<uint32_t>(umin));
            u32max = std::min(u32max, static_cast<uint32_t>(umax));
            if (static_cast<int32_t>(umin) <= static_cast<int32_t>(umax)) {
                s32min = std::max(s32min, static_cast<int32_t>(umin));
                s32max = std::min(s32max, static_cast<int32_t>(umax));
            }
        }
        if ((smin >> 32) == (smax >> 32)) {
            if (static_cast<uint32_t>(smin) <= static_cast<uint32_t>(smax)) {
                u32min = std::max(u32min, static_cast<uint32_t>(smin));
                u32max = std::min(u32max, static_cast<uint32_t>(smax));
            }
            if (static_cast<int32_t>(smin) <= static_cast<int32_t>(smax)) {
                s32min = std::max(s32min, static_cast<int32_t>(smin));
                s32max = std::min(s32max, static_cast<int32_t>(smax));
            }
        }
        // 32 -> 64: within one 2^32 block the low half orders the values.
        if ((umin >> 32) == (umax >> 32)) {
            const uint64_t hi = umin & 0xffffffff00000000ull;
            umin = std::max(umin, hi | u32min);
            umax = std::min(umax, hi | u32max);
        }
        if ((smin >> 32) == (smax >> 32)) {
            const uint64_t hi = static_cast<uint64_t>(smin) & 0xffffffff00000000ull;
            smin = std::max(smin, static_cast<int64_t>(hi | u32min));
            smax = std::min(smax, static_cast<int64_t>(hi | u32max));
        }
    };
    auto bound_offset = [this] {
        if (umin <= umax) var = tnum_intersect(var, Tnum::range(umin, umax));
        if (u32min <= u32max) {
            const Tnum sub = tnum_intersect(tnum_cast(var, 4), Tnum::range(u32min, u32max));
            var = tnum_with_subreg(var, sub);
        }
    };
    from_tnum();
    for (int i = 0; i < 2; ++i) {
        deduce32();
        deduce64();
        mixed();
    }
    bound_offset();
    from_tnum();
    deduce32();
    deduce64();
}

bool Scalar::contains(const Scalar& o) const {
    return umin <= o.umin && umax >= o.umax && smin <= o.smin && smax >= o.smax && u32min <= o.u32min &&
           u32max >= o.u32max && s32min <= o.s32min && s32max >= o.s32max && var.contains(o.var);
}

std::string Scalar::str() const {
    char buf[256];
    if (is_const()) {
        std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(var.value));
        return buf;
    }
    std::string s;
    auto add = [&](const char* fmt, auto v) {
        std::snprintf(buf, sizeof buf, fmt, v);
        if (!s.empty()) s += ',';
        s += buf;
    };
    if (smin != kS64Min) add("smin=%lld", static_cast<long long>(smin));
    if (smax != kS64Max) add("smax=%lld", static_cast<long long>(smax));
    if (umin != 0) add("umin=%llu", static_cast<unsigned long long>(umin));
    if (umax != kU64Max) add("umax=%llu", static_cast<unsigned long long>(umax));
    if (s32min != kS32Min) add("smin32=%d", s32min);
    if (s32max != kS32Max) add("smax32=%d", s32max);
    if (u32min != 0) add("umin32=%u", u32min);
    if (u32max != kU32Max) add("umax32=%u", u32max);
    if (var.mask != kU64Max) {
        if (!s.empty()) s += ',';
        s += "var_off=" + var.str();
    }
    return s;
}

Scalar zext32(const Scalar& a) {
    Scalar r;
    r.var = tnum_cast(a.var, 4);
    r.umin = a.u32min;
    r.umax = a.u32max;
    r.u32min = a.u32min;
    r.u32max = a.u32max;
    r.s32min = a.s32min;
    r.s32max = a.s32max;
    r.sync();
    return r;
}

Scalar sext32(const Scalar& a) {
    Scalar r;
    r.var = tnum_sext32(a.var);
    r.smin = a.s32min;
    r.smax = a.s32max;
    r.u32min = a.u32min;
    r.u32max = a.u32max;
    r.s32min = a.s32min;
    r.s32max = a.s32max;
    r.sync();
    return r;
}

Scalar join(const Scalar& a, const Scalar& b) {
    Scalar r;
    r.var = tnum_union(a.var, b.var);
    r.umin = std::min(a.umin, b.umin);
    r.umax = std::max(a.umax, b.umax);
    r.smin = std::min(a.smin, b.smin);
    r.smax = std::max(a.smax, b.smax);
    r.u32min = std::min(a.u32min, b.u32min);
    r.u32max = std::max(a.u32max, b.u32max);
    r.s32min = std::min(a.s32min, b.s32min);
    r.s32max = std::max(a.s32max, b.s32max);
    return r;
}

uint64_t alu_concrete(Bin::Op op, uint64_t a, uint64_t b, bool is64) {
    using O = Bin::Op;
    if (!is64) {
        const uint32_t x = static_cast<uint32_t>(a), y = static_cast<uint32_t>(b);
        const int32_t sx = static_cast<int32_t>(x), sy = static_cast<int32_t>(y);
        switch (op) {
            case O::Mov: return y;
            case O::MovSx8: return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(y)));
            case O::MovSx16: return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(y)));
            case O::MovSx32: return y;
            case O::Add: return static_cast<uint32_t>(x + y);
            case O::Sub: return static_cast<uint32_t>(x - y);
            case O::Mul: return static_cast<uint32_t>(x * y);
            case O::UDiv: return y == 0 ? 0 : x / y;
            case O::UMod: return y == 0 ? x : x % y;
            case O::SDiv:
                if (y == 0) return 0;
                if (sx == kS32Min && sy == -1) return x;
                return static_cast<uint32_t>(sx / sy);
            case O::SMod:
                if (y == 0) return x;
                if (sy == -1) return 0;
                return static_cast<uint32_t>(sx % sy);
            case O::Or: return x | y;
            case O::And: return x & y;
            case O::Xor: return x ^ y;
            case O::Lsh: return static_cast<uint32_t>(x << (y & 31));
            case O::Rsh: return x >> (y & 31);
            case O::Arsh: return static_cast<uint32_t>(sx >> (y & 31));
        }
        return 0;
    }
    const int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
    switch (op) {
        case O::Mov: return b;
        case O::MovSx8: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(b)));
        case O::MovSx16: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(b)));
        case O::MovSx32: return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(b)));
        case O::Add: return a + b;
        case O::Sub: return a - b;
        case O::Mul: return a * b;
        case O::UDiv: return b == 0 ? 0 : a / b;
        case O::UMod: return b == 0 ? a : a % b;
        case O::SDiv:
            if (b == 0) return 0;
            if (sa == kS64Min && sb == -1) return a;
            return static_cast<uint64_t>(sa / sb);
        case O::SMod:
            if (b == 0) return a;
            if (sb == -1) return 0;
            return static_cast<uint64_t>(sa % sb);
        case O::Or: return a | b;
        case O::And: return a & b;
        case O::Xor: return a ^ b;
        case O::Lsh: return a << (b & 63);
        case O::Rsh: return a >> (b & 63);
        case O::Arsh: return static_cast<uint64_t>(sa >> (b & 63));
    }
    return 0;
}

uint64_t alu_unary_concrete(Un::Op op, uint64_t a, bool is64) {
    using O = Un::Op;
    switch (op) {
        case O::Neg: return is64 ? 0 - a : zx32(0u - static_cast<uint32_t>(a));
        case O::Le16: return a & 0xffff;
        case O::Le32: return zx32(a);
        case O::Le64: return a;
        case O::Be16:
        case O::Swap16: return __builtin_bswap16(static_cast<uint16_t>(a));
        case O::Be32:
        case O::Swap32: return __builtin_bswap32(static_cast<uint32_t>(a));
        case O::Be64:
        case O::Swap64: return __builtin_bswap64(a);
    }
    return 0;
}

Scalar alu(Bin::Op op, const Scalar& dst, const Scalar& src, bool is64) {
    using O = Bin::Op;
    const bool unary_src = op == O::Mov || op == O::MovSx8 || op == O::MovSx16 || op == O::MovSx32;
    if (src.is_const() && (unary_src || dst.is_const()))
        return Scalar::constant(alu_concrete(op, dst.value(), src.value(), is64));
    if (is64) return alu64(op, dst, src);
    Scalar r;
    switch (op) {
        case O::Mov: return zext32(src);
        case O::MovSx8:
        case O::MovSx16:
        case O::MovSx32: r = movsx(op == O::MovSx8 ? 8 : op == O::MovSx16 ? 16 : 32, sext32(src)); break;
        case O::Arsh:
            if (!src.is_const()) return Scalar::of_width(4);
            r = shift64(op, sext32(dst), Scalar::constant(src.value() & 31));
            break;
        case O::Lsh:
        case O::Rsh:
            if (!src.is_const()) return Scalar::of_width(4);
            r = shift64(op, zext32(dst), Scalar::constant(src.value() & 31));
            break;
        case O::SDiv:
        case O::SMod: return Scalar::of_width(4);
        default: r = alu64(op, zext32(dst), zext32(src)); break;
    }
    return zext32(r);
}

Scalar alu_unary(Un::Op op, const Scalar& dst, bool is64) {
    using O = Un::Op;
    if (dst.is_const()) return Scalar::constant(alu_unary_concrete(op, dst.value(), is64));
    switch (op) {
        case O::Neg: return is64 ? Scalar::unknown() : Scalar::of_width(4);
        case O::Le16: {
            Scalar r = from_urange(0, 0xffff, tnum_cast(dst.var, 2));
            return dst.umax <= 0xffff ? dst : r;
        }
        case O::Le32: return zext32(dst);
        case O::Le64: return dst;
        case O::Be16:
        case O::Swap16: return Scalar::of_width(2);
        case O::Be32:
        case O::Swap32: return Scalar::of_width(4);
        case O::Be64:
        case O::Swap64: return Scalar::unknown();
    }
    return Scalar::unknown();
}

namespace {

using C = Jmp::Cond;

// Refines under "a cond b" for 64-bit views; false when impossible. set_neg: the negation of Set.
bool refine64(C cond, bool not_set, Scalar& a, Scalar& b) {
    switch (cond) {
        case C::Always: return true;
        case C::Eq: {
            if (tnum_conflict(a.var, b.var)) return false;
            a.var = b.var = tnum_intersect(a.var, b.var);
            a.umin = b.umin = std::max(a.umin, b.umin);
            a.umax = b.umax = std::min(a.umax, b.umax);
            a.smin = b.smin = std::max(a.smin, b.smin);
            a.smax = b.smax = std::min(a.smax, b.smax);
            a.u32min = b.u32min = std::max(a.u32min, b.u32min);
            a.u32max = b.u32max = std::min(a.u32max, b.u32max);
            a.s32min = b.s32min = std::max(a.s32min, b.s32min);
            a.s32max = b.s32max = std::min(a.s32max, b.s32max);
            break;
        }
        case C::Ne: {
            if (a.is_const() && b.is_const()) {
                if (a.value() == b.value()) return false;
                break;
            }
            auto exclude = [](Scalar& x, uint64_t v) {
                if (x.umin == v && x.umin < x.umax) ++x.umin;
                else if (x.umax == v && x.umin < x.umax) --x.umax;
                const int64_t sv = static_cast<int64_t>(v);
                if (x.smin == sv && x.smin < x.smax) ++x.smin;
                else if (x.smax == sv && x.smin < x.smax) --x.smax;
            };
            if (b.is_const()) exclude(a, b.value());
            if (a.is_const()) exclude(b, a.value());
            break;
        }
        case C::Gt:
            if (a.umax == 0 || b.umin == kU64Max) return false;
            a.umin = std::max(a.umin, b.umin + 1);
            b.umax = std::min(b.umax, a.umax - 1);
            break;
        case C::Ge:
            a.umin = std::max(a.umin, b.umin);
            b.umax = std::min(b.umax, a.umax);
            break;
        case C::Lt: return refine64(C::Gt, false, b, a);
        case C::Le: return refine64(C::Ge, false, b, a);
        case C::Sgt:
            if (a.smax == kS64Min || b.smin == kS64Max) return false;
            a.smin = std::max(a.smin, b.smin + 1);
            b.smax = std::min(b.smax, a.smax - 1);
            break;
        case C::Sge:
            a.smin = std::max(a.smin, b.smin);
            b.smax = std::min(b.smax, a.smax);
            break;
        case C::Slt: return refine64(C::Sgt, false, b, a);
        case C::Sle: return refine64(C::Sge, false, b, a);
        case C::Set:
            if (!b.is_const()) {
                if (a.is_const() && !not_set) return refine64(C::Set, false, b, a);
                break;
            }
            if (not_set) {
                if (a.var.value & b.value()) return false;
                a.var.value &= ~b.value();
                a.var.mask &= ~b.value();
            } else {
                if (((a.var.value | a.var.mask) & b.value()) == 0) return false;
                if (std::popcount(b.value()) == 1) {
                    a.var.value |= b.value();
                    a.var.mask &= ~b.value();
                }
            }
            break;
    }
    if (a.empty() || b.empty()) return false;
    a.sync();
    b.sync();
    return !a.empty() && !b.empty();
}

C negated(C c) {
    switch (c) {
        case C::Eq: return C::Ne;
        case C::Ne: return C::Eq;
        case C::Gt: return C::Le;
        case C::Ge: return C::Lt;
        case C::Lt: return C::Ge;
        case C::Le: return C::Gt;
        case C::Sgt: return C::Sle;
        case C::Sge: return C::Slt;
        case C::Slt: return C::Sge;
        case C::Sle: return C::Sgt;
        default: return c;
    }
}

}  // namespace

bool refine(Jmp::Cond cond, bool negate, bool is32, Scalar& a, Scalar& b) {
    const bool not_set = negate && cond == C::Set;
    const C c = negate ? negated(cond) : cond;
    if (!is32) return refine64(c, not_set, a, b);
    const bool sign = c == C::Sgt || c == C::Sge || c == C::Slt || c == C::Sle;
    Scalar va = sign ? sext32(a) : zext32(a);
    Scalar vb = sign ? sext32(b) : zext32(b);
    if (!refine64(c, not_set, va, vb)) return false;
    auto back = [sign](Scalar& x, const Scalar& v) {
        if (sign) {
            x.s32min = std::max<int64_t>(x.s32min, v.smin);
            x.s32max = std::min<int64_t>(x.s32max, v.smax);
        } else {
            x.u32min = std::max<uint64_t>(x.u32min, v.umin);
            x.u32max = std::min<uint64_t>(x.u32max, v.umax);
        }
        const Tnum low = tnum_cast(v.var, 4);
        if (tnum_conflict(tnum_cast(x.var, 4), low)) return false;
        x.var = tnum_with_subreg(x.var, tnum_intersect(tnum_cast(x.var, 4), low));
        if (x.empty()) return false;
        x.sync();
        return !x.empty();
    };
    return back(a, va) && back(b, vb);
}

}  // namespace bpfnic::verifier
