// SPDX-License-Identifier: MIT
// ALU instructions: moves, arithmetic, shifts, division and modulo with eBPF's total semantics
// (x / 0 = 0, x % 0 = x, INT_MIN / -1 = INT_MIN, x s% -1 = 0, where x86 would trap), negation and
// byte swaps. Every 32-bit result is zero-extended (writing a 32-bit x86 register does that).
#include <bit>
#include <cstdint>

#include "driver/jit/jit_emitter.h"

namespace bpfnic::jit {

using x86::CondCode;

namespace {
bool is_rcx(Reg r) { return kEbpfRegs[r.v] == x86::rcx; }
}  // namespace

void ProgramEmitter::emit_bin(const Bin& b) {
    using Op = Bin::Op;
    switch (b.op) {
    case Op::Mov:
    case Op::MovSx8:
    case Op::MovSx16:
    case Op::MovSx32:
        emit_mov(b);
        return;
    case Op::Lsh:
    case Op::Rsh:
    case Op::Arsh:
        emit_shift(b);
        return;
    case Op::UDiv:
    case Op::SDiv:
    case Op::UMod:
    case Op::SMod:
        emit_divmod(b);
        return;
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Or:
    case Op::And:
    case Op::Xor:
        break;
    }
    const x86::Gp d = gp(b.dst, b.is64);
    asmjit::x86::Inst::Id id = x86::Inst::kIdNone;
    switch (b.op) {
    case Op::Add: id = x86::Inst::kIdAdd; break;
    case Op::Sub: id = x86::Inst::kIdSub; break;
    case Op::Or: id = x86::Inst::kIdOr; break;
    case Op::And: id = x86::Inst::kIdAnd; break;
    case Op::Xor: id = x86::Inst::kIdXor; break;
    default: break;
    }
    if (const Reg* s = std::get_if<Reg>(&b.v)) {
        if (b.op == Op::Mul)
            a_.imul(d, gp(*s, b.is64));
        else
            a_.emit(id, d, gp(*s, b.is64));
        return;
    }
    // 64-bit forms sign-extend imm32 exactly as eBPF does; 32-bit forms use its low 32 bits.
    const int64_t v = std::get<Imm>(b.v).v;
    const int32_t imm = static_cast<int32_t>(v);
    if (b.op == Op::Mul) {
        a_.imul(d, d, imm);
    } else if (imm == 0 && (b.op == Op::Add || b.op == Op::Sub || b.op == Op::Or || b.op == Op::Xor)) {
        if (!b.is64) a_.mov(d, d);  // identity: only the zero-extension remains
    } else if (imm == 0 && b.op == Op::And) {
        a_.xor_(d.r32(), d.r32());
    } else {
        a_.emit(id, d, imm);
    }
}

void ProgramEmitter::emit_mov(const Bin& b) {
    using Op = Bin::Op;
    const x86::Gp d64 = gp64(b.dst);
    if (const Imm* k = std::get_if<Imm>(&b.v)) {
        int64_t v = k->v;
        switch (b.op) {
        case Op::MovSx8: v = static_cast<int8_t>(v); break;
        case Op::MovSx16: v = static_cast<int16_t>(v); break;
        case Op::MovSx32: v = static_cast<int32_t>(v); break;
        default: break;
        }
        if (!b.is64) v = static_cast<uint32_t>(v);
        if (v == 0)
            a_.xor_(d64.r32(), d64.r32());
        else if (v > 0 && v <= UINT32_MAX)
            a_.mov(d64.r32(), v);  // writing the 32-bit register zero-extends: the shortest form
        else
            a_.mov(d64, v);
        return;
    }
    const Reg s = std::get<Reg>(b.v);
    const x86::Gp s64 = gp64(s);
    switch (b.op) {
    case Op::Mov:
        if (b.is64) {
            if (s.v != b.dst.v) a_.mov(d64, s64);
        } else {
            a_.mov(d64.r32(), s64.r32());  // also when dst == src: the zero-extension
        }
        return;
    case Op::MovSx8:
        if (b.is64)
            a_.movsx(d64, s64.r8());
        else
            a_.movsx(d64.r32(), s64.r8());
        return;
    case Op::MovSx16:
        if (b.is64)
            a_.movsx(d64, s64.r16());
        else
            a_.movsx(d64.r32(), s64.r16());
        return;
    case Op::MovSx32:
        if (b.is64)
            a_.movsxd(d64, s64.r32());
        else
            a_.mov(d64.r32(), s64.r32());
        return;
    default:
        return;
    }
}

void ProgramEmitter::emit_shift(const Bin& b) {
    using Op = Bin::Op;
    const x86::Gp d = gp(b.dst, b.is64);
    if (const Imm* k = std::get_if<Imm>(&b.v)) {
        const uint32_t n = static_cast<uint32_t>(k->v) & (b.is64 ? 63u : 31u);
        if (n == 0) {
            if (!b.is64) a_.mov(d, d);
            return;
        }
        if (b.op == Op::Lsh)
            a_.shl(d, n);
        else if (b.op == Op::Rsh)
            a_.shr(d, n);
        else
            a_.sar(d, n);
        return;
    }
    const Reg s = std::get<Reg>(b.v);
    if (sh_.bmi2) {  // shlx/shrx/sarx mask the count to 63 or 31 like eBPF and leave flags alone
        const x86::Gp c = gp(s, b.is64);
        if (b.op == Op::Lsh)
            a_.shlx(d, d, c);
        else if (b.op == Op::Rsh)
            a_.shrx(d, d, c);
        else
            a_.sarx(d, d, c);
        return;
    }
    // Legacy form: the count must be in cl, which is eBPF r3.
    auto shift_by_cl = [&](const x86::Gp& target) {
        if (b.op == Op::Lsh)
            a_.shl(target, x86::cl);
        else if (b.op == Op::Rsh)
            a_.shr(target, x86::cl);
        else
            a_.sar(target, x86::cl);
    };
    if (is_rcx(s)) {
        shift_by_cl(d);
        return;
    }
    a_.mov(kTmpA, x86::rcx);
    a_.mov(x86::rcx, gp64(s));
    if (is_rcx(b.dst)) {
        shift_by_cl(b.is64 ? x86::Gp(kTmpA) : x86::Gp(kTmpA.r32()));
        a_.mov(x86::rcx, kTmpA);
    } else {
        shift_by_cl(d);
        a_.mov(x86::rcx, kTmpA);
    }
}

// Divisor zero (zero == true) or signed -1, both known at this point.
void ProgramEmitter::emit_divmod_special(const Bin& b, bool zero) {
    using Op = Bin::Op;
    const x86::Gp d = gp(b.dst, b.is64);
    const bool is_div = b.op == Op::UDiv || b.op == Op::SDiv;
    if (zero) {
        if (is_div)
            a_.xor_(d.r32(), d.r32());
        else if (!b.is64)
            a_.mov(d, d);
    } else {  // signed by -1: quotient is the wrapping negation, remainder 0
        if (is_div)
            a_.neg(d);
        else
            a_.xor_(d.r32(), d.r32());
    }
}

void ProgramEmitter::emit_divmod(const Bin& b) {
    using Op = Bin::Op;
    const bool is_signed = b.op == Op::SDiv || b.op == Op::SMod;
    const bool is_div = b.op == Op::UDiv || b.op == Op::SDiv;
    const x86::Gp d = gp(b.dst, b.is64);
    const x86::Gp div = b.is64 ? x86::Gp(kTmpA) : x86::Gp(kTmpA.r32());
    asmjit::Label done = a_.newLabel();
    bool need_checks = true;

    if (const Imm* k = std::get_if<Imm>(&b.v)) {
        const uint64_t dv = b.is64 ? static_cast<uint64_t>(k->v) : static_cast<uint32_t>(k->v);
        const bool minus_one = b.is64 ? k->v == -1 : static_cast<int32_t>(k->v) == -1;
        if (dv == 0 || (is_signed && minus_one)) {
            emit_divmod_special(b, dv == 0);
            return;
        }
        if (!is_signed && std::has_single_bit(dv)) {
            const int sh = std::countr_zero(dv);
            if (is_div) {
                if (sh)
                    a_.shr(d, sh);
                else if (!b.is64)
                    a_.mov(d, d);
            } else if (sh == 0) {
                a_.xor_(d.r32(), d.r32());
            } else {
                a_.and_(d, static_cast<int64_t>(dv - 1));
            }
            return;
        }
        a_.mov(kTmpA, b.is64 ? static_cast<int64_t>(k->v) : static_cast<int64_t>(dv));
        need_checks = false;
    } else {
        const Reg s = std::get<Reg>(b.v);
        a_.mov(div, gp(s, b.is64));
    }

    asmjit::Label zero, minus_one;
    if (need_checks) {
        zero = a_.newLabel();
        a_.test(div, div);
        a_.jz(zero);
        if (is_signed) {
            minus_one = a_.newLabel();
            a_.cmp(div, -1);
            a_.je(minus_one);
        }
    }
    // x86 division works on rdx:rax (eBPF r2:r0): park both, divide, restore, then write dst.
    a_.mov(kTmpB, x86::rax);
    a_.mov(kTmpC, x86::rdx);
    if (b.is64) {
        a_.mov(x86::rax, d);
        if (is_signed) {
            a_.cqo(x86::rdx, x86::rax);
            a_.idiv(x86::rdx, x86::rax, div);
        } else {
            a_.xor_(x86::edx, x86::edx);
            a_.div(x86::rdx, x86::rax, div);
        }
        a_.mov(kTmpA, is_div ? x86::rax : x86::rdx);
    } else {
        a_.mov(x86::eax, d);
        if (is_signed) {
            a_.cdq(x86::edx, x86::eax);
            a_.idiv(x86::edx, x86::eax, div);
        } else {
            a_.xor_(x86::edx, x86::edx);
            a_.div(x86::edx, x86::eax, div);
        }
        a_.mov(kTmpA.r32(), is_div ? x86::eax : x86::edx);
    }
    a_.mov(x86::rax, kTmpB);
    a_.mov(x86::rdx, kTmpC);
    a_.mov(gp64(b.dst), kTmpA);
    if (need_checks) {
        a_.jmp(done);
        a_.bind(zero);
        emit_divmod_special(b, true);
        if (is_signed) {
            a_.jmp(done);
            a_.bind(minus_one);
            emit_divmod_special(b, false);
        }
    }
    a_.bind(done);
}

void ProgramEmitter::emit_un(const Un& u) {
    using Op = Un::Op;
    const x86::Gp d64 = gp64(u.dst);
    switch (u.op) {
    case Op::Neg:
        a_.neg(gp(u.dst, u.is64));
        return;
    case Op::Le16:
        a_.movzx(d64.r32(), d64.r16());
        return;
    case Op::Le32:
        a_.mov(d64.r32(), d64.r32());
        return;
    case Op::Le64:
        return;
    case Op::Be16:
    case Op::Swap16:
        a_.ror(d64.r16(), 8);
        a_.movzx(d64.r32(), d64.r16());
        return;
    case Op::Be32:
    case Op::Swap32:
        a_.bswap(d64.r32());
        return;
    case Op::Be64:
    case Op::Swap64:
        a_.bswap(d64);
        return;
    }
}

}  // namespace bpfnic::jit
