// SPDX-License-Identifier: MIT
// Run-time support the emitted code calls into: the exception guard around helpers, the legacy
// packet window, and the wording of faults.
#include <string>

#include "compiler/error.h"
#include "driver/jit/jit_context.h"

namespace bpfnic::jit {

uint64_t guarded_helper_call(JitCtx* ctx, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5) {
    try {
        return ctx->callee(ctx->env, r1, r2, r3, r4, r5);
    } catch (...) {
        if (ctx->pending) *ctx->pending = std::current_exception();
        ctx->fault = static_cast<int32_t>(Fault::HelperException);
        return 0;
    }
}

uint64_t packet_load_address(JitCtx* ctx, uint64_t off, uint64_t width) {
    uint64_t base = ctx->raw_mem, len = ctx->raw_len;
    if (const XdpBuff* x = ctx->env->xdp) {
        base = reinterpret_cast<uint64_t>(x->data());
        len = x->len();
    }
    if (off > len || off + width > len) return 0;
    return base + off;
}

std::string describe_fault(const JitCtx& ctx, const std::vector<std::string>& program_names,
                           const std::vector<std::string>& refused) {
    auto prog = [&](uint32_t i) {
        return i < program_names.size() ? "program '" + program_names[i] + "'" : "program " + std::to_string(i);
    };
    const std::string at = prog(ctx.fault_prog) + ": instruction " + std::to_string(ctx.fault_pc) + ": ";
    switch (static_cast<Fault>(ctx.fault)) {
    case Fault::None:
        return "jit: no fault";
    case Fault::CallDepth:
        return "jit: " + at + "bpf-to-bpf call exceeds the call depth limit";
    case Fault::CallxUnknown:
        return "jit: " + at + "callx of a register that holds no helper id of the platform";
    case Fault::TailCallTarget:
        return "jit: tail call to program index " + std::to_string(ctx.fault_prog) + ", outside the object";
    case Fault::ProgramNotLoaded: {
        const std::string why = ctx.fault_prog < refused.size() ? refused[ctx.fault_prog] : std::string();
        return "jit: tail call to " + prog(ctx.fault_prog) + ", which the jit refused at load" +
               (why.empty() ? std::string() : " (" + why + ")");
    }
    case Fault::HelperException:
        return "jit: a helper failed";
    }
    return "jit: unknown fault " + std::to_string(ctx.fault);
}

}  // namespace bpfnic::jit
