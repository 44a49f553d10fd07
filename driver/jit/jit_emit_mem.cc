// SPDX-License-Identifier: MIT
// Memory instructions: lddw (constants and map references resolved now, at load), loads with zero
// or sign extension, stores, atomics (lock-prefixed; fetch forms of or/and/xor use a cmpxchg loop)
// and the legacy packet loads. Accesses are not bounds-checked: like the kernel's JIT, this engine
// runs verified programs, whose packet accesses are proven by their own checks against data_end.
#include "driver/jit/jit_emitter.h"

namespace bpfnic::jit {

namespace {

x86::Mem mem(Reg base, int16_t off, int width) {
    return x86::ptr(gp64(base), off, static_cast<uint32_t>(width));
}

x86::Gp sized(const x86::Gp& r64, int width) {
    switch (width) {
    case 1: return r64.r8();
    case 2: return r64.r16();
    case 4: return r64.r32();
    default: return r64.r64();
    }
}

}  // namespace

void ProgramEmitter::emit_lddw(const LoadImm64& l) {
    uint64_t v = 0;
    switch (l.pseudo) {
    case op::kPseudoMapIdx:
        v = reinterpret_cast<uint64_t>(&sh_.maps->at(static_cast<size_t>(l.imm_lo)));
        break;
    case op::kPseudoMapIdxValue:
        v = reinterpret_cast<uint64_t>(sh_.maps->at(static_cast<size_t>(l.imm_lo)).array_base()) +
            static_cast<uint32_t>(l.imm_hi);
        break;
    default:  // kPseudoImm64: check_program refused every other source
        v = l.value();
        break;
    }
    const x86::Gp d = gp64(l.dst);
    if (v == 0)
        a_.xor_(d.r32(), d.r32());
    else
        a_.mov(d, v);
}

void ProgramEmitter::emit_load(const Load& l) {
    const x86::Gp d = gp64(l.dst);
    const x86::Mem m = mem(l.base, l.off, l.width);
    if (l.sign_ext) {
        switch (l.width) {
        case 1: a_.movsx(d, m); return;
        case 2: a_.movsx(d, m); return;
        case 4: a_.movsxd(d, m); return;
        default: a_.mov(d, m); return;
        }
    }
    switch (l.width) {
    case 1: a_.movzx(d.r32(), m); return;
    case 2: a_.movzx(d.r32(), m); return;
    case 4: a_.mov(d.r32(), m); return;
    default: a_.mov(d, m); return;
    }
}

void ProgramEmitter::emit_store(const Store& s) {
    const x86::Mem m = mem(s.base, s.off, s.width);
    if (const Reg* r = std::get_if<Reg>(&s.v)) {
        a_.mov(m, sized(gp64(*r), s.width));
        return;
    }
    // imm32, truncated to the width; a doubleword store sign-extends it, as x86's form does.
    const int64_t v = std::get<Imm>(s.v).v;
    switch (s.width) {
    case 1: a_.mov(m, asmjit::Imm(static_cast<int8_t>(v))); return;
    case 2: a_.mov(m, asmjit::Imm(static_cast<int16_t>(v))); return;
    default: a_.mov(m, asmjit::Imm(static_cast<int32_t>(v))); return;
    }
}

void ProgramEmitter::emit_atomic(const Atomic& at) {
    using Op = Atomic::Op;
    const int w = at.width;
    const x86::Mem m = mem(at.base, at.off, w);
    const x86::Gp src = sized(gp64(at.src), w);
    switch (at.op) {
    case Op::Xchg:  // xchg with memory is implicitly locked; the old value lands in src
        a_.xchg(m, src);
        return;
    case Op::CmpXchg:
        a_.lock().cmpxchg(m, src, w == 8 ? x86::Gp(x86::rax) : x86::Gp(x86::eax));
        // A 32-bit cmpxchg that succeeds leaves rax's upper half alone: zero-extend r0 always.
        if (w == 4) a_.mov(x86::eax, x86::eax);
        return;
    case Op::Add:
        if (at.fetch)
            a_.lock().xadd(m, src);
        else
            a_.lock().add(m, src);
        return;
    case Op::Or:
    case Op::And:
    case Op::Xor:
        break;
    }
    const x86::Inst::Id id = at.op == Op::Or ? x86::Inst::kIdOr : at.op == Op::And ? x86::Inst::kIdAnd : x86::Inst::kIdXor;
    if (!at.fetch) {
        a_.lock().emit(id, m, src);
        return;
    }
    // Fetch form: cmpxchg loop on rax (eBPF r0, parked in the context's spill slot). Operand and
    // address are taken first, since src or base may be r0 itself.
    const x86::Gp opnd = sized(kTmpC, w);
    const x86::Gp acc = sized(x86::rax, w);
    const x86::Gp next = sized(kTmpA, w);
    const x86::Mem slot = x86::ptr(kTmpB, 0, static_cast<uint32_t>(w));
    a_.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, spill)), x86::rax);
    a_.mov(kTmpC, gp64(at.src));
    a_.lea(kTmpB, x86::ptr(gp64(at.base), at.off));
    a_.mov(acc, slot);
    asmjit::Label retry = a_.newLabel();
    a_.bind(retry);
    a_.mov(next, acc);
    a_.emit(id, next, opnd);
    a_.lock().cmpxchg(slot, next, acc);
    a_.jnz(retry);
    if (w == 8)
        a_.mov(kTmpA, x86::rax);
    else
        a_.mov(kTmpA.r32(), x86::eax);
    a_.mov(x86::rax, x86::qword_ptr(kCtxReg, offsetof(JitCtx, spill)));
    a_.mov(gp64(at.src), kTmpA);
}

void ProgramEmitter::emit_packet_load(const PacketLoad& p, uint32_t pc) {
    (void)pc;
    // r0 = ntoh(*(width *)(packet + off)), off = (int32)(src + imm) as in Linux (ld_abs: imm).
    // The window is looked up by packet_load_address (XDP packets move with adjust_head); a
    // negative offset (sign-extended: huge) or one outside ends the program with r0 = 0. eBPF
    // r1..r5 survive, so the call saves their registers.
    if (p.indirect) {
        a_.mov(kTmpA.r32(), gp32(p.src));
        a_.add(kTmpA.r32(), p.imm);
        a_.movsxd(kTmpA, kTmpA.r32());
    } else {
        a_.mov(kTmpA, static_cast<int64_t>(p.imm));
    }
    constexpr x86::Gpq kSaved[] = {x86::rsi, x86::rdx, x86::rcx, x86::r8, x86::r9, x86::rax};  // even: aligned
    for (const x86::Gpq& r : kSaved) a_.push(r);
    a_.mov(kTmpC, kCtxReg);
    a_.mov(x86::rsi, kTmpA);
    a_.mov(x86::edx, p.width);
    a_.mov(x86::rax, reinterpret_cast<uint64_t>(&packet_load_address));
    a_.call(x86::rax);
    a_.mov(kTmpA, x86::rax);
    for (int i = 5; i >= 0; --i) a_.pop(kSaved[i]);
    a_.test(kTmpA, kTmpA);
    a_.jz(abort_label());
    const x86::Mem m = x86::ptr(kTmpA, 0, p.width);
    switch (p.width) {
    case 1:
        a_.movzx(x86::eax, m);
        break;
    case 2:
        a_.movzx(x86::eax, m);
        a_.ror(x86::ax, 8);
        break;
    case 4:
        a_.mov(x86::eax, m);
        a_.bswap(x86::eax);
        break;
    default:
        a_.mov(x86::rax, m);
        break;
    }
}

}  // namespace bpfnic::jit
