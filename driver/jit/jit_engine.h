// SPDX-License-Identifier: MIT
// The x86-64 JIT engine: compiles every program of an object with asmjit at load and runs the
// entry program as native code, with the interpreter's exact semantics (the interpreter is the
// reference it is tested against). See jit_regs.h for the register mapping and stack model.
//
// Where it deliberately differs from the interpreter, as the kernel's JIT does: memory accesses
// are not bounds-checked (programs are expected to be verified; Options::verify makes load run
// the verifier and refuse what it rejects), and the stack is not zeroed before a run (the
// registers are), so a program that reads stack bytes it never wrote sees garbage.
//
// An engine runs one execution at a time (like the interpreter, it keeps its run state). The
// run path, the fast paths and measured speed are described in docs/jit.md.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "driver/engine.h"
#include "driver/jit/jit_compiler.h"
#include "driver/jit/jit_context.h"

namespace bpfnic {

class JitEngine final : public Engine {
public:
    using Options = jit::CompileOptions;

    JitEngine() = default;
    explicit JitEngine(Options o) : opts_(o) {}

    const char* name() const override { return "jit"; }
    /// Compiles all programs of obj (the helpers are xdp_helper_table(), or
    /// conformance_helper_table() when platform.name is "conformance").
    void load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) override;
    uint64_t run(ExecEnv& env, uint64_t r1, uint64_t r2) override;

    /// Wall time of the last load (checks, emission, sealing), in nanoseconds.
    uint64_t compile_ns() const { return compile_ns_; }
    /// Bytes of machine code of the loaded object (all programs and shared stubs).
    size_t code_size() const { return compiled_.code.code_size(); }
    /// Start of the sealed code pages (for W^X checks), nullptr before a load.
    const void* code_address() const { return reinterpret_cast<const void*>(compiled_.code.base()); }
    /// Per program of the loaded object: why it was not compiled ("" when it was).
    const std::vector<std::string>& refused() const { return compiled_.refused; }

private:
    [[noreturn, gnu::noinline, gnu::cold]] void raise_fault();
    [[noreturn, gnu::noinline, gnu::cold]] static void not_loaded();

    Options opts_;
    jit::CompiledObject compiled_;
    // Run state kept between runs, so a run only stores the environment: the context the code
    // reads through r12 (fault fields are zero between runs) and where a helper's exception waits.
    jit::JitCtx ctx_;
    std::exception_ptr pending_;
    std::vector<std::string> names_;
    size_t entry_ = 0;
    uint64_t compile_ns_ = 0;
};

/// The "jit" entry of make_engine(): verify_typed as in EngineOptions.
std::unique_ptr<Engine> make_jit_engine(bool verify_typed = true);

}  // namespace bpfnic
