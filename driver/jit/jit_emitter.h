// SPDX-License-Identifier: MIT
// Internal to the JIT: the per-program code emitter. One ProgramEmitter turns one checked,
// decoded program into x86-64 at the assembler's cursor. Its methods are split by instruction
// family over jit_emit_alu.cc, jit_emit_mem.cc and jit_emit_flow.cc, and the fusions of short
// sequences live in jit_emit_fuse.cc.
#pragma once

#include <asmjit/x86.h>

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/ir.h"
#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/jit/jit_compiler.h"
#include "driver/jit/jit_context.h"
#include "driver/jit/jit_regs.h"
#include "driver/maps.h"

namespace bpfnic::jit {

/// What every program body of one object shares: options, resolved environment, shared stubs.
struct EmitShared {
    CompileOptions opts;
    bool bmi2 = false;                 ///< opts.use_bmi2 and the host supports it
    MapSet* maps = nullptr;
    const HelperTable* helpers = nullptr;
    const Platform* platform = nullptr;
    const JitTables* tables = nullptr;
    std::array<bool, HelperTable::kMaxId> direct{};  ///< helper ids called without the guard
    bool direct_lookups = false;                      ///< map_lookup_elem too, on known maps
    uint32_t num_programs = 0;
    uint32_t frame_size = 512;         ///< bytes reserved per eBPF frame (multiple of 16)
    int32_t env_tail_call_off = 0;     ///< offsetof(ExecEnv, tail_call_target)
    int32_t env_unwind_off = 0;        ///< offsetof(ExecEnv, unwind)
    uint32_t* cur_pc = nullptr;        ///< slot being emitted, for asmjit error messages
    asmjit::Label abort;               ///< r0 = 0, unwind to the trampoline (fault already recorded)
    bool* needs_abort = nullptr;       ///< set when emitted code may jump to abort
    asmjit::Label tail_call;           ///< rdi = env with tail_call_target >= 0: jump to that program
};

/// A program that passed the load checks, ready to emit.
struct CheckedProgram {
    IrProgram ir;
    std::vector<bool> is_target;  ///< per slot: a jump or call lands here
    /// Per slot, for conditional jumps the verifier proved constant: 1 always taken, 0 never
    /// taken, -1 unknown (or not verified).
    std::vector<int8_t> fixed_branch;
};

/// Load-time checks of one program (ISA validity, groups, helpers, lddw references); throws
/// bpfnic::Error naming the program and the instruction.
CheckedProgram check_program(const Program& prog, const MapSet& maps, const std::vector<MapDef>& defs,
                             const Platform& platform, const HelperTable& helpers, bool verify);

class ProgramEmitter {
public:
    ProgramEmitter(x86::Assembler& a, const EmitShared& shared, uint32_t prog_index, const CheckedProgram& prog)
        : a_(a), sh_(shared), prog_index_(prog_index), prog_(prog) {}

    /// Emits the body at the cursor (bind `entry` first) followed by its cold paths.
    void emit(const asmjit::Label& entry);

private:
    struct ColdFault {
        asmjit::Label label;
        Fault fault;
        uint32_t pc;
    };

    void emit_insn(const IrInsn& insn);
    size_t emit_fused(size_t i);
    bool emit_mov_add(const IrInsn& first, const IrInsn& second);
    bool emit_byte_pair(size_t i);
    size_t emit_byte_copy(size_t i);
    void emit_bin(const Bin& b);
    void emit_mov(const Bin& b);
    void emit_shift(const Bin& b);
    void emit_divmod(const Bin& b);
    void emit_divmod_special(const Bin& b, bool zero);
    void emit_un(const Un& u);
    void emit_lddw(const LoadImm64& l);
    void emit_load(const Load& l);
    void emit_store(const Store& s);
    void emit_atomic(const Atomic& at);
    void emit_packet_load(const PacketLoad& p, uint32_t pc);
    void emit_jmp(const Jmp& j, uint32_t pc);
    void emit_call(const Call& c, uint32_t pc);
    bool emit_inline_lookup();
    void emit_helper_call(uint64_t fn, bool may_tail_call);
    void emit_direct_call(uint64_t fn);
    void emit_guarded_call(bool may_tail_call);
    void emit_call_local(const CallLocal& c, uint32_t pc);
    void emit_callx(const Callx& c, uint32_t pc);

    asmjit::Label fault_label(Fault f, uint32_t pc);
    const asmjit::Label& abort_label() const {
        if (sh_.needs_abort) *sh_.needs_abort = true;
        return sh_.abort;
    }
    asmjit::Label pc_label(int64_t pc);
    void forget(Reg r) { known_map_[r.v] = -1; }
    void forget_call_clobbered();

    x86::Assembler& a_;
    const EmitShared& sh_;
    uint32_t prog_index_;
    const CheckedProgram& prog_;
    std::vector<asmjit::Label> labels_;  // per slot, valid where prog_.is_target
    std::vector<ColdFault> cold_;
    std::array<int32_t, 11> known_map_{};  // map index a register holds (lddw map ref), or -1
    uint32_t next_pc_ = 0;                 // slot after the current instruction
};

}  // namespace bpfnic::jit
