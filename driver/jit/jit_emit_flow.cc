// SPDX-License-Identifier: MIT
// Control flow: the instruction loop of one program body (fusions: jit_emit_fuse.cc), jumps,
// exit, helper calls (the inline array-map lookup fast path; direct calls of helpers that cannot
// throw, unwind or tail-call; the others through the exception guard with the tail-call and
// unwind checks after the call), bpf-to-bpf calls with their own frames, callx, and the cold
// fault paths.
#include <bit>
#include <cstdint>
#include <type_traits>
#include <variant>

#include "driver/jit/jit_emitter.h"

namespace bpfnic::jit {

using x86::CondCode;

namespace {

CondCode cond_code(Jmp::Cond c) {
    switch (c) {
    case Jmp::Cond::Always: return CondCode::kZero;  // not used: unconditional jumps emit jmp
    case Jmp::Cond::Eq: return CondCode::kEqual;
    case Jmp::Cond::Ne: return CondCode::kNotEqual;
    case Jmp::Cond::Set: return CondCode::kNotZero;
    case Jmp::Cond::Gt: return CondCode::kUnsignedGT;
    case Jmp::Cond::Ge: return CondCode::kUnsignedGE;
    case Jmp::Cond::Lt: return CondCode::kUnsignedLT;
    case Jmp::Cond::Le: return CondCode::kUnsignedLE;
    case Jmp::Cond::Sgt: return CondCode::kSignedGT;
    case Jmp::Cond::Sge: return CondCode::kSignedGE;
    case Jmp::Cond::Slt: return CondCode::kSignedLT;
    case Jmp::Cond::Sle: return CondCode::kSignedLE;
    }
    return CondCode::kZero;
}

// The native registers a bpf-to-bpf call preserves for its caller: r6..r9 and r10.
constexpr x86::Gpq kPreserved[] = {x86::rbx, x86::r13, x86::r14, x86::r15, x86::rbp};

}  // namespace

asmjit::Label ProgramEmitter::pc_label(int64_t pc) { return labels_.at(static_cast<size_t>(pc)); }

asmjit::Label ProgramEmitter::fault_label(Fault f, uint32_t pc) {
    for (const ColdFault& c : cold_)
        if (c.fault == f && c.pc == pc) return c.label;
    cold_.push_back({a_.newLabel(), f, pc});
    return cold_.back().label;
}

void ProgramEmitter::forget_call_clobbered() {
    for (int r = 0; r <= 5; ++r) known_map_[r] = -1;
}

void ProgramEmitter::emit(const asmjit::Label& entry) {
    const std::vector<IrInsn>& insns = prog_.ir.insns;
    labels_.assign(prog_.is_target.size(), asmjit::Label());
    for (size_t pc = 0; pc < prog_.is_target.size(); ++pc)
        if (prog_.is_target[pc]) labels_[pc] = a_.newLabel();
    known_map_.fill(-1);

    a_.bind(entry);
    for (size_t i = 0; i < insns.size(); ++i) {
        const IrInsn& insn = insns[i];
        if (sh_.cur_pc) *sh_.cur_pc = insn.pc;
        if (prog_.is_target[insn.pc]) {
            a_.bind(labels_[insn.pc]);
            known_map_.fill(-1);  // another path may arrive here with other register contents
        }
        next_pc_ = insn.pc + static_cast<uint32_t>(slots(insn.ins));
        // A short sequence nothing jumps into the middle of may become fewer x86 instructions.
        if (const size_t n = emit_fused(i); n > 0) {
            const IrInsn& last = insns[i + n - 1];
            next_pc_ = last.pc + static_cast<uint32_t>(slots(last.ins));
            i += n - 1;
            continue;
        }
        emit_insn(insn);
    }
    for (const ColdFault& c : cold_) {
        a_.bind(c.label);
        a_.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault)), static_cast<int32_t>(c.fault));
        a_.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault_pc)), c.pc);
        a_.mov(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault_prog)), prog_index_);
        a_.jmp(abort_label());
    }
}

void ProgramEmitter::emit_insn(const IrInsn& insn) {
    std::visit(
        [&](const auto& i) {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, Bin>) {
                emit_bin(i);
                const Reg* s = std::get_if<Reg>(&i.v);
                known_map_[i.dst.v] = (i.op == Bin::Op::Mov && i.is64 && s) ? known_map_[s->v] : -1;
            } else if constexpr (std::is_same_v<T, Un>) {
                emit_un(i);
                forget(i.dst);
            } else if constexpr (std::is_same_v<T, LoadImm64>) {
                emit_lddw(i);
                known_map_[i.dst.v] = i.pseudo == op::kPseudoMapIdx ? i.imm_lo : -1;
            } else if constexpr (std::is_same_v<T, Load>) {
                emit_load(i);
                forget(i.dst);
            } else if constexpr (std::is_same_v<T, Store>) {
                emit_store(i);
            } else if constexpr (std::is_same_v<T, Atomic>) {
                emit_atomic(i);
                if (i.op == Atomic::Op::CmpXchg)
                    forget(Reg{0});
                else if (i.fetch || i.op == Atomic::Op::Xchg)
                    forget(i.src);
            } else if constexpr (std::is_same_v<T, PacketLoad>) {
                emit_packet_load(i, insn.pc);
                forget(Reg{0});
            } else if constexpr (std::is_same_v<T, Jmp>) {
                emit_jmp(i, insn.pc);
            } else if constexpr (std::is_same_v<T, Call>) {
                emit_call(i, insn.pc);
                forget_call_clobbered();
            } else if constexpr (std::is_same_v<T, CallLocal>) {
                emit_call_local(i, insn.pc);
                forget_call_clobbered();
            } else if constexpr (std::is_same_v<T, CallKfunc>) {
                // check_program refuses kfunc calls: nothing reaches here.
            } else if constexpr (std::is_same_v<T, Callx>) {
                emit_callx(i, insn.pc);
                forget_call_clobbered();
            } else if constexpr (std::is_same_v<T, Exit>) {
                a_.ret();  // from a subprogram to its caller, from the main body to the trampoline
            }
        },
        insn.ins);
}

void ProgramEmitter::emit_jmp(const Jmp& j, uint32_t pc) {
    // A packet bounds check the verifier proved to go one way on every path.
    if (j.cond != Jmp::Cond::Always && prog_.fixed_branch[pc] >= 0) {
        if (prog_.fixed_branch[pc] == 1 && j.target != next_pc_) a_.jmp(pc_label(j.target));
        return;
    }
    if (j.cond == Jmp::Cond::Always) {
        if (j.target != next_pc_) a_.jmp(pc_label(j.target));
        return;
    }
    const bool is64 = !j.is32;
    const x86::Gp l = gp(j.left, is64);
    if (const Reg* r = std::get_if<Reg>(&j.right)) {
        if (j.cond == Jmp::Cond::Set)
            a_.test(l, gp(*r, is64));
        else
            a_.cmp(l, gp(*r, is64));
    } else {
        // imm32: sign-extended by the 64-bit x86 forms exactly as eBPF extends it.
        const int32_t imm = static_cast<int32_t>(std::get<Imm>(j.right).v);
        if (j.cond == Jmp::Cond::Set)
            a_.test(l, imm);
        else if (imm == 0)
            a_.test(l, l);  // same flags as cmp l, 0 for every condition
        else
            a_.cmp(l, imm);
    }
    a_.j(cond_code(j.cond), pc_label(j.target));
}

void ProgramEmitter::emit_call(const Call& c, uint32_t pc) {
    (void)pc;
    if (c.helper == helper_id::kMapLookupElem && sh_.opts.inline_map_lookups && emit_inline_lookup()) return;
    const uint64_t fn = reinterpret_cast<uint64_t>(sh_.helpers->get(c.helper));
    bool direct = c.helper >= 0 && c.helper < HelperTable::kMaxId && sh_.direct[static_cast<size_t>(c.helper)];
    if (c.helper == helper_id::kMapLookupElem && sh_.direct_lookups && known_map_[1] >= 0)
        direct = direct_lookup_map_type(sh_.maps->at(static_cast<size_t>(known_map_[1])).def().type);
    if (direct)
        emit_direct_call(fn);
    else
        emit_helper_call(fn, c.helper == helper_id::kTailCall);
}

// A helper that cannot throw, unwind or tail-call (direct_call_helper): rdi = env, call.
void ProgramEmitter::emit_direct_call(uint64_t fn) {
    a_.mov(kTmpC, x86::qword_ptr(kCtxReg, offsetof(JitCtx, env)));
    a_.mov(x86::rax, fn);
    a_.call(x86::rax);
}

// bpf_map_lookup_elem(array, &key) without a call (ARRAY and PERCPU_ARRAY): r0 = key < max_entries ? base + key * size : 0.
bool ProgramEmitter::emit_inline_lookup() {
    const int32_t mi = known_map_[1];
    if (mi < 0) return false;
    Map& m = sh_.maps->at(static_cast<size_t>(mi));
    uint8_t* base = m.array_base();
    // Per-CPU arrays share the layout while there is one possible CPU (driver/maps.h).
    static_assert(kPossibleCpus == 1, "inline per-CPU array lookups assume one CPU");
    const bool array = m.def().type == map_type::kArray || m.def().type == map_type::kPercpuArray;
    if (!array || !base || m.def().key_size != 4) return false;
    const uint32_t vs = m.def().value_size;
    asmjit::Label miss = a_.newLabel(), done = a_.newLabel();
    a_.mov(x86::eax, x86::dword_ptr(gp64(Reg{2})));
    a_.cmp(x86::eax, m.def().max_entries);
    a_.jae(miss);
    if (std::has_single_bit(vs))
        a_.shl(x86::rax, std::countr_zero(vs));
    else
        a_.imul(x86::rax, x86::rax, vs);
    a_.mov(kTmpA, reinterpret_cast<uint64_t>(base));
    a_.add(x86::rax, kTmpA);
    a_.jmp(done);
    a_.bind(miss);
    a_.xor_(x86::eax, x86::eax);
    a_.bind(done);
    return true;
}

void ProgramEmitter::emit_helper_call(uint64_t fn, bool may_tail_call) {
    a_.mov(x86::rax, fn);
    emit_guarded_call(may_tail_call);
}

// Calls the helper in rax through guarded_helper_call: eBPF r1..r5 already sit in the native
// argument registers 2..6, the JitCtx goes first. Then, as the interpreter does: an unwind request
// ends the program with r0 = 0; a tail call continues in the target program on the current frame
// (its exit returns to this frame's caller), with r1 as it was passed to the helper.
void ProgramEmitter::emit_guarded_call(bool may_tail_call) {
    if (may_tail_call) {
        a_.mov(kTmpC, x86::qword_ptr(kCtxReg, offsetof(JitCtx, env)));
        a_.mov(x86::dword_ptr(kTmpC, sh_.env_tail_call_off), -1);
        a_.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, tail_r1)), gp64(Reg{1}));
    }
    a_.mov(x86::qword_ptr(kCtxReg, offsetof(JitCtx, callee)), x86::rax);
    a_.mov(kTmpC, kCtxReg);
    a_.mov(x86::rax, reinterpret_cast<uint64_t>(&guarded_helper_call));
    a_.call(x86::rax);
    a_.cmp(x86::dword_ptr(kCtxReg, offsetof(JitCtx, fault)), 0);
    a_.jne(abort_label());
    a_.mov(kTmpC, x86::qword_ptr(kCtxReg, offsetof(JitCtx, env)));
    a_.cmp(x86::byte_ptr(kTmpC, sh_.env_unwind_off), 0);
    a_.jne(abort_label());
    if (may_tail_call) {
        a_.cmp(x86::dword_ptr(kTmpC, sh_.env_tail_call_off), 0);
        a_.jge(sh_.tail_call);
    }
}

void ProgramEmitter::emit_call_local(const CallLocal& c, uint32_t pc) {
    const int32_t frame = static_cast<int32_t>(sh_.frame_size);
    a_.cmp(x86::rsp, x86::qword_ptr(kCtxReg, offsetof(JitCtx, call_limit)));
    a_.jbe(fault_label(Fault::CallDepth, pc));
    for (const x86::Gpq& r : kPreserved) a_.push(r);
    a_.sub(x86::rsp, frame);
    a_.lea(x86::rbp, x86::ptr(x86::rsp, frame));
    a_.call(pc_label(c.target));
    a_.add(x86::rsp, frame);
    for (int i = 4; i >= 0; --i) a_.pop(kPreserved[i]);
}

void ProgramEmitter::emit_callx(const Callx& c, uint32_t pc) {
    // The helper id is the register's low 32 bits, as a signed id (negative ids name no helper).
    const asmjit::Label bad = fault_label(Fault::CallxUnknown, pc);
    a_.mov(x86::eax, gp32(c.reg));
    a_.cmp(x86::eax, HelperTable::kMaxId - 1);
    a_.ja(bad);
    a_.mov(kTmpA, reinterpret_cast<uint64_t>(sh_.tables->helpers.data()));
    a_.mov(x86::rax, x86::ptr(kTmpA, x86::rax, 3));
    a_.test(x86::rax, x86::rax);
    a_.jz(bad);
    emit_guarded_call(true);
}

}  // namespace bpfnic::jit
