// SPDX-License-Identifier: MIT
// JitEngine: load compiles, run enters the trampoline and turns recorded faults into errors.
#include "driver/jit/jit_engine.h"

#include <chrono>
#include <exception>

#include "compiler/error.h"
#include "driver/jit/jit_context.h"

namespace bpfnic {

void JitEngine::load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) {
    const auto t0 = std::chrono::steady_clock::now();
    const HelperTable& helpers = platform.name == "conformance" ? conformance_helper_table() : xdp_helper_table();
    compiled_ = {};  // a failed load leaves the engine unloaded
    jit::CompiledObject c = jit::compile_object(obj, entry, maps, platform, helpers, opts_);
    names_.clear();
    for (const Program& p : obj.programs) names_.push_back(p.name);
    compiled_ = std::move(c);
    entry_ = entry;
    compile_ns_ = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

uint64_t JitEngine::run(ExecEnv& env, uint64_t r1, uint64_t r2) {
    if (!compiled_.trampoline) throw Error(ErrorKind::Internal, "jit: run() before a successful load()");
    std::exception_ptr pending;
    jit::JitCtx ctx;
    ctx.env = &env;
    ctx.pending = &pending;
    if (!env.xdp) {
        ctx.raw_mem = r1;
        ctx.raw_len = r2;
    }
    const uint64_t r0 = compiled_.trampoline(&ctx, r1, r2, compiled_.tables->entries[entry_]);
    if (ctx.fault == static_cast<int32_t>(jit::Fault::HelperException) && pending) std::rethrow_exception(pending);
    if (ctx.fault != 0) throw Error(ErrorKind::Runtime, jit::describe_fault(ctx, names_, compiled_.refused));
    return r0;
}

std::unique_ptr<Engine> make_jit_engine(bool verify_typed) {
    JitEngine::Options o;
    o.verify_typed = verify_typed;
    return std::make_unique<JitEngine>(o);
}

}  // namespace bpfnic
