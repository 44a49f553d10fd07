// SPDX-License-Identifier: MIT
// Compiles every program of an object to x86-64 in one code buffer: a shared entry trampoline,
// shared exit stubs, and one body per program (bpf-to-bpf callees inside it), then seals it W^X.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "compiler/platform.h"
#include "compiler/program.h"
#include "driver/exec_env.h"
#include "driver/jit/exec_memory.h"
#include "driver/jit/jit_context.h"
#include "driver/maps.h"

namespace bpfnic::jit {

struct CompileOptions {
    bool use_bmi2 = true;            ///< shlx/shrx/sarx for register shifts when the host has BMI2
    bool inline_map_lookups = true;  ///< map_lookup_elem on a known array map becomes inline code
    /// Run the verifier (compiler/verifier) on every program at load: refuse what it rejects
    /// (ErrorKind::Rejected with its message) and drop the packet bounds checks it proved
    /// redundant (same outcome on every path).
    bool verify = false;
    /// As verify, but only for programs of a real program type (XDP, TC): the conformance
    /// platform's raw programs run unverified. make_engine("jit") sets this, so the engine the
    /// driver and the CLI use refuses every typed program the verifier rejects.
    bool verify_typed = false;
};

struct CompiledObject {
    ExecMemory code;
    TrampolineFn trampoline = nullptr;
    std::unique_ptr<JitTables> tables;  ///< read by the code through baked-in addresses
    std::vector<std::string> refused;   ///< per program: why it was not compiled ("" if it was)
};

/// Compiles obj.programs[entry] and every other program (tail-call targets). Throws bpfnic::Error
/// when the entry program cannot be compiled: Rejected (fails ISA validation), Unsupported
/// ("instruction N: ..."), BadInput (a map reference out of range). Other programs that cannot be
/// compiled are recorded in `refused`; a tail call to one faults at run time.
CompiledObject compile_object(const Object& obj, size_t entry, MapSet& maps, const Platform& platform,
                              const HelperTable& helpers, const CompileOptions& opts);

}  // namespace bpfnic::jit
