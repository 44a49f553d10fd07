// SPDX-License-Identifier: MIT
// Fusions: short instruction sequences clang emits often, each emitted as fewer x86 instructions
// with exactly the effect of the sequence (registers and memory), never across a jump target.
#include <algorithm>
#include <cstdint>
#include <variant>
#include <vector>

#include "driver/jit/jit_emitter.h"

namespace bpfnic::jit {

// Fusions of instruction sequences clang emits often. Each is exact: eBPF has no flags, and every
// register the sequence writes ends with the value the instructions one by one would give it.
//   rX = rY; rX += K (or -= K), 64-bit        -> lea rX, [rY + K]   (packet bounds checks)
//   rX = rY; rX += rZ, 64-bit                 -> lea rX, [rY + rZ]
//   two byte loads of B+o and B+o+1 combined  -> a 16-bit load and the byte load
//   into a 16-bit value (rA = hi << 8 | lo)      (unaligned 16-bit header fields)
//   a run of byte copies through one register -> wide moves and the last byte load
//   between disjoint ranges of one base          (clang's memcpy of unaligned bytes: MAC swaps)
// Returns how many instructions starting at i it consumed (0: none fused).
size_t ProgramEmitter::emit_fused(size_t i) {
    const std::vector<IrInsn>& insns = prog_.ir.insns;
    auto window = [&](size_t n) {
        if (i + n > insns.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if (prog_.is_target[insns[i + k].pc]) return false;
        return true;
    };
    if (const size_t n = emit_byte_copy(i); n > 0) return n;
    if (window(4) && emit_byte_pair(i)) return 4;
    if (window(2) && emit_mov_add(insns[i], insns[i + 1])) return 2;
    return 0;
}

bool ProgramEmitter::emit_mov_add(const IrInsn& first, const IrInsn& second) {
    const Bin* mov = std::get_if<Bin>(&first.ins);
    const Bin* add = std::get_if<Bin>(&second.ins);
    if (!mov || !add || mov->op != Bin::Op::Mov || !mov->is64 || !add->is64 || add->dst != mov->dst) return false;
    const Reg* src = std::get_if<Reg>(&mov->v);
    if (!src) return false;
    if (const Reg* other = std::get_if<Reg>(&add->v)) {
        if (add->op != Bin::Op::Add) return false;
        // rX = rY; rX += rX doubles rY: [rY + rY] only when other is rX itself.
        const Reg idx = *other == mov->dst ? *src : *other;
        a_.lea(gp64(mov->dst), x86::ptr(gp64(*src), gp64(idx)));
        forget(mov->dst);
        return true;
    }
    if (add->op != Bin::Op::Add && add->op != Bin::Op::Sub) return false;
    const int64_t k = std::get<Imm>(add->v).v;
    const int64_t disp = add->op == Bin::Op::Add ? k : -k;
    if (disp < INT32_MIN || disp > INT32_MAX) return false;
    a_.lea(gp64(mov->dst), x86::ptr(gp64(*src), static_cast<int32_t>(disp)));
    forget(mov->dst);
    return true;
}

// At least 4 pairs rT = byte[B + s]; byte[B + s + D] = rT, with one temporary rT (not B), one
// base B and one distance D, whose sources cover a contiguous range of distinct offsets that does
// not overlap the destination range: every load reads an original byte whatever the order, so the
// run is a copy of the range, done with 4-, 2- and 1-byte moves through a scratch register, and rT
// ends with the byte its last load read. Returns the instructions consumed (0: no run).
size_t ProgramEmitter::emit_byte_copy(size_t i) {
    const std::vector<IrInsn>& insns = prog_.ir.insns;
    constexpr size_t kMinPairs = 4, kMaxPairs = 32;
    const Load* first = std::get_if<Load>(&insns[i].ins);
    if (!first || first->width != 1 || first->sign_ext || first->dst == first->base) return 0;
    const Reg tmp = first->dst, base = first->base;
    int64_t dist = 0, lo = INT64_MAX, hi = INT64_MIN, last_src = 0;
    uint32_t seen = 0;  // bit per offset - lo candidate; checked for distinctness below
    std::vector<int64_t> srcs;
    size_t k = i;
    for (; k + 1 < insns.size() && srcs.size() < kMaxPairs; k += 2) {
        if (k > i && (prog_.is_target[insns[k].pc])) break;
        if (prog_.is_target[insns[k + 1].pc]) break;
        const Load* l = std::get_if<Load>(&insns[k].ins);
        const Store* st = std::get_if<Store>(&insns[k + 1].ins);
        if (!l || !st || l->width != 1 || l->sign_ext || l->dst != tmp || l->base != base) break;
        const Reg* v = std::get_if<Reg>(&st->v);
        if (st->width != 1 || st->base != base || !v || *v != tmp) break;
        const int64_t d = int64_t{st->off} - l->off;
        if (srcs.empty()) dist = d;
        if (d != dist) break;
        srcs.push_back(l->off);
        last_src = l->off;
    }
    const size_t pairs = srcs.size();
    if (pairs < kMinPairs) return 0;
    for (int64_t o : srcs) {
        lo = std::min(lo, o);
        hi = std::max(hi, o);
    }
    const int64_t len = hi - lo + 1;
    if (len != static_cast<int64_t>(pairs)) return 0;  // not contiguous, or an offset repeats
    for (int64_t o : srcs) {
        const uint32_t bit = 1u << (o - lo);
        if (seen & bit) return 0;
        seen |= bit;
    }
    if (dist > -len && dist < len) return 0;  // source and destination ranges overlap
    if (lo + dist < INT16_MIN || hi + dist > INT16_MAX) return 0;
    const x86::Gp b = gp64(base);
    for (int64_t o = lo; o <= hi;) {
        const int64_t left = hi - o + 1;
        const int w = left >= 4 ? 4 : left >= 2 ? 2 : 1;
        const int32_t from = static_cast<int32_t>(o), to = static_cast<int32_t>(o + dist);
        switch (w) {
        case 4:
            a_.mov(kTmpA.r32(), x86::dword_ptr(b, from));
            a_.mov(x86::dword_ptr(b, to), kTmpA.r32());
            break;
        case 2:
            a_.movzx(kTmpA.r32(), x86::word_ptr(b, from));
            a_.mov(x86::word_ptr(b, to), kTmpA.r16());
            break;
        default:
            a_.movzx(kTmpA.r32(), x86::byte_ptr(b, from));
            a_.mov(x86::byte_ptr(b, to), kTmpA.r8());
            break;
        }
        o += w;
    }
    a_.movzx(gp32(tmp), x86::byte_ptr(b, static_cast<int32_t>(last_src)));
    forget(tmp);
    return 2 * pairs;
}

// Two zero-extending byte loads of B+o and B+o+1 combined into rA = byte[o+1] << 8 | byte[o]
// (rA the register of the high byte, rC of the low byte; the or may be 32- or 64-bit, the shift
// by 8 too: the value stays below 2^16 either way). Two orders:
//   rA = byte[B+o+1]; rA <<= 8; rC = byte[B+o]; rA |= rC   (rA must not be B: the second load
//                                                           uses B)
//   rC = byte[B+o]; rA = byte[B+o+1]; rA <<= 8; rA |= rC   (rC must not be B)
// and rA != rC. Emitted as the 16-bit load into rA and the byte load into rC, both read before
// either register is written (when rA or rC is B, the loads come in the order that keeps B).
bool ProgramEmitter::emit_byte_pair(size_t i) {
    const std::vector<IrInsn>& insns = prog_.ir.insns;
    auto byte_load = [](const IrInsn& x) -> const Load* {
        const Load* l = std::get_if<Load>(&x.ins);
        return l && l->width == 1 && !l->sign_ext ? l : nullptr;
    };
    auto shl8 = [](const IrInsn& x, Reg r) {
        const Bin* b = std::get_if<Bin>(&x.ins);
        const Imm* k = b ? std::get_if<Imm>(&b->v) : nullptr;
        return b && b->op == Bin::Op::Lsh && b->dst == r && k && k->v == 8;
    };
    auto or_reg = [](const IrInsn& x, Reg d, Reg s) {
        const Bin* b = std::get_if<Bin>(&x.ins);
        const Reg* r = b ? std::get_if<Reg>(&b->v) : nullptr;
        return b && b->op == Bin::Op::Or && b->dst == d && r && *r == s;
    };
    const Load* hi = nullptr;
    const Load* lo = nullptr;
    bool hi_first = false;
    if (const Load* a = byte_load(insns[i]); a && shl8(insns[i + 1], a->dst)) {
        hi = a;
        lo = byte_load(insns[i + 2]);
        hi_first = true;
        if (!lo || hi->dst == hi->base) return false;
    } else if (const Load* c = byte_load(insns[i]); c) {
        lo = c;
        hi = byte_load(insns[i + 1]);
        if (!hi || !shl8(insns[i + 2], hi->dst) || lo->dst == lo->base) return false;
    } else {
        return false;
    }
    if (hi->base != lo->base || hi->dst == lo->dst || int32_t{hi->off} != int32_t{lo->off} + 1) return false;
    if (!or_reg(insns[i + 3], hi->dst, lo->dst)) return false;
    const Reg base = hi->base;
    const x86::Mem half = x86::ptr(gp64(base), lo->off, 2);
    const x86::Mem byte = x86::ptr(gp64(base), lo->off, 1);
    // Write first the register that is not the base (at most one of them is: see above).
    if (hi->dst == base || (!hi_first && lo->dst != base)) {
        a_.movzx(gp32(lo->dst), byte);
        a_.movzx(gp32(hi->dst), half);
    } else {
        a_.movzx(gp32(hi->dst), half);
        a_.movzx(gp32(lo->dst), byte);
    }
    forget(hi->dst);
    forget(lo->dst);
    return true;
}

}  // namespace bpfnic::jit
