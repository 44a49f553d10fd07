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
    ctx_ = {};
    compile_ns_ = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

uint64_t JitEngine::run(ExecEnv& env, uint64_t r1, uint64_t r2) {
    if (!compiled_.trampoline) [[unlikely]]
        not_loaded();
    ctx_.env = &env;
    ctx_.pending = &pending_;  // the engine may have moved since load
    // Raw mode's packet window (legacy packet loads read it only when env.xdp is null): stored
    // unconditionally, cheaper than testing env.xdp.
    ctx_.raw_mem = r1;
    ctx_.raw_len = r2;
    // Code that cannot fault is entered with a tail call: nothing to check afterwards.
    if (!compiled_.may_fault) return compiled_.trampoline(&ctx_, r1, r2);
    const uint64_t r0 = compiled_.trampoline(&ctx_, r1, r2);
    if (ctx_.fault != 0) [[unlikely]]
        raise_fault();
    return r0;
}

// Out of line, so run() itself needs no stack frame for building the message.
void JitEngine::not_loaded() { throw Error(ErrorKind::Internal, "jit: run() before a successful load()"); }

// Clears the recorded fault (the next run starts clean) and throws it: a helper's own exception
// as it was, anything else as Error(Runtime).
void JitEngine::raise_fault() {
    const jit::JitCtx seen = ctx_;
    ctx_.fault = 0;
    ctx_.fault_pc = 0;
    ctx_.fault_prog = 0;
    if (seen.fault == static_cast<int32_t>(jit::Fault::HelperException) && pending_) {
        std::exception_ptr e = std::move(pending_);
        pending_ = nullptr;
        std::rethrow_exception(e);
    }
    throw Error(ErrorKind::Runtime, jit::describe_fault(seen, names_, compiled_.refused));
}

std::unique_ptr<Engine> make_jit_engine(bool verify_typed) {
    JitEngine::Options o;
    o.verify_typed = verify_typed;
    return std::make_unique<JitEngine>(o);
}

}  // namespace bpfnic
