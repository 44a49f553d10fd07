// SPDX-License-Identifier: MIT
// The state shared between JitEngine::run and the emitted code of one execution (held in r12 while
// the program runs), the tables the code reads by absolute address, and the fault codes the code
// reports instead of unwinding through native frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "driver/exec_env.h"

namespace bpfnic::jit {

/// Faults the emitted code detects; run() turns them into bpfnic::Error(Runtime).
enum class Fault : int32_t {
    None = 0,
    CallDepth,         ///< a bpf-to-bpf call beyond Platform::max_call_depth frames
    CallxUnknown,      ///< callx of a register that names no helper of the platform
    TailCallTarget,    ///< a tail call to a program index outside the object
    ProgramNotLoaded,  ///< a tail call to a program the JIT refused at load (see load's log)
    HelperException,   ///< a helper threw; the exception is rethrown by run()
};

/// The running execution's state, addressed as [r12 + offsetof(JitCtx, field)]. Standard layout.
/// JitEngine keeps one across runs: a run stores env (and the raw-mode window), the trampoline
/// stores entry_rsp and call_limit when the code needs them, and the fault fields are zero
/// between runs (run() clears them when it reports a fault).
struct JitCtx {
    ExecEnv* env = nullptr;    ///< first: helper calls load rdi from [r12]
    uint64_t entry_rsp = 0;    ///< rsp of the depth-0 body (points at the return into the trampoline)
    uint64_t call_limit = 0;   ///< a local call from a body whose rsp is at or below this is too deep
    uint64_t tail_r1 = 0;      ///< r1 passed to the last helper that may tail-call (the target's r1)
    uint64_t raw_mem = 0;      ///< raw mode (env->xdp null): the memory legacy packet loads read
    uint64_t raw_len = 0;
    uint64_t spill = 0;        ///< one scratch slot for sequences that need r0's register
    HelperFn callee = nullptr; ///< the helper guarded_helper_call is about to run
    std::exception_ptr* pending = nullptr;  ///< where guarded_helper_call parks a helper's exception
    int32_t fault = 0;         ///< Fault
    uint32_t fault_pc = 0;     ///< slot index of the faulting instruction
    uint32_t fault_prog = 0;   ///< program index of the faulting instruction (or tail-call target)
};

/// Tables the emitted code reads through absolute addresses baked in at load: program entries for
/// tail calls and helper functions by id for callx. Owned by the engine, never moved once built.
struct JitTables {
    std::vector<uint64_t> entries;                     ///< body address per program index
    std::array<HelperFn, HelperTable::kMaxId> helpers{};  ///< platform helpers by id (callx)
};

/// Helpers are C++ and may throw; an exception must never unwind through JIT frames (they have
/// no unwind tables). Emitted code therefore calls helpers through this function, which runs
/// ctx->callee(ctx->env, r1..r5) and turns an exception into Fault::HelperException.
uint64_t guarded_helper_call(JitCtx* ctx, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5);

/// Legacy packet loads (ld_abs/ld_ind): the address of [off, off + width) inside the packet (off
/// is the sign-extended 32-bit offset: negative ones are huge and so outside)
/// (XDP: data..data_end now; raw mode: the run's memory), or 0 when it is outside, which ends the
/// program with r0 = 0 as in the interpreter.
uint64_t packet_load_address(JitCtx* ctx, uint64_t off, uint64_t width);

/// The text of a fault the code recorded in ctx, naming the program and instruction.
std::string describe_fault(const JitCtx& ctx, const std::vector<std::string>& program_names,
                           const std::vector<std::string>& refused);

/// The entry trampoline: saves native callee-saved registers, builds frame 0, runs the entry
/// program's body (a direct call) with eBPF r1 and r2 set and returns r0.
using TrampolineFn = uint64_t (*)(JitCtx* ctx, uint64_t r1, uint64_t r2);

}  // namespace bpfnic::jit
