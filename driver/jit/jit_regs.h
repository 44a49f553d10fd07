// SPDX-License-Identifier: MIT
// The JIT's fixed mapping of eBPF registers to x86-64 registers, and the scratch registers the
// emitted code may use between eBPF instructions.
//
//   eBPF  x86-64  SysV role      why
//   ----  ------  -------------  -----------------------------------------------------------------
//   r0    rax     return value   helpers return in rax, so a call leaves r0 in place
//   r1    rsi     arg 2          helpers are uint64_t(ExecEnv*, r1..r5): the ExecEnv* is the first
//   r2    rdx     arg 3          native argument (rdi), so eBPF r1..r5 sit exactly where the native
//   r3    rcx     arg 4          arguments 2..6 go and a helper call is `mov rdi, env; call fn`.
//   r4    r8      arg 5          All five are caller-saved natively, as they are in eBPF.
//   r5    r9      arg 6
//   r6    rbx     callee-saved   eBPF r6..r9 survive helper calls; the native callee-saved
//   r7    r13     callee-saved   registers give that for free (r12 is taken by the context, see
//   r8    r14     callee-saved   below, and needs a SIB byte as a base anyway).
//   r9    r15     callee-saved
//   r10   rbp     callee-saved   the read-only frame pointer: top of the current 512-byte frame,
//                                which lives on the native stack.
//   ctx   r12     callee-saved   JitCtx* of the running execution (ExecEnv* at offset 0, entry rsp,
//                                call-depth limit, fault record), never visible to the program.
//   tmp   rdi, r10, r11          scratch inside one eBPF instruction; rdi carries the ExecEnv* into
//                                helper calls. None holds a value across instructions.
//
// Stack model: the entry trampoline saves the native callee-saved registers the object's code
// uses (r12 when it reads the context, rbx/r13/r14/r15/rbp for eBPF r6..r10), reserves frame 0
// when r10 is used and calls the entry body, so every eBPF `exit` is a plain `ret` (from a
// subprogram to its caller, from the main program back to the trampoline); an object that uses
// none of them (no calls, no r6..r10) is entered with a jump and returns straight to run(). A
// bpf-to-bpf call pushes r6..r10, reserves a new frame below, points rbp at its top and calls the
// target; the pops after the call restore r6..r10 exactly as the interpreter's frame stack does.
// Frames keep rsp 16-byte aligned at every helper call.
#pragma once

#include <asmjit/x86.h>

#include "compiler/ir.h"

namespace bpfnic::jit {

namespace x86 = asmjit::x86;

inline constexpr x86::Gpq kEbpfRegs[11] = {x86::rax, x86::rsi, x86::rdx, x86::rcx, x86::r8, x86::r9,
                                           x86::rbx, x86::r13, x86::r14, x86::r15, x86::rbp};
inline constexpr x86::Gpq kCtxReg = x86::r12;
inline constexpr x86::Gpq kTmpA = x86::r11;
inline constexpr x86::Gpq kTmpB = x86::r10;
inline constexpr x86::Gpq kTmpC = x86::rdi;

inline x86::Gp gp64(Reg r) { return kEbpfRegs[r.v]; }
inline x86::Gp gp32(Reg r) { return kEbpfRegs[r.v].r32(); }
inline x86::Gp gp(Reg r, bool is64) { return is64 ? gp64(r) : gp32(r); }

}  // namespace bpfnic::jit
