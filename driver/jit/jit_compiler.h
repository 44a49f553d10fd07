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
    /// Helpers of xdp_helper_table() that neither allocate nor throw nor ask for an unwind or a
    /// tail call (direct_call_helper) are called directly, without the exception guard and the
    /// checks after it.
    bool direct_helper_calls = true;
    /// Run the verifier (compiler/verifier) on every program at load: refuse what it rejects
    /// (ErrorKind::Rejected with its message) and drop the packet bounds checks it proved
    /// redundant (same outcome on every path).
    bool verify = false;
    /// As verify, but only for programs of a real program type (XDP, TC): the conformance
    /// platform's raw programs run unverified. make_engine("jit") sets this, so the engine the
    /// driver and the CLI use refuses every typed program the verifier rejects.
    bool verify_typed = false;
};

/// May the JIT call this helper of xdp_helper_table() directly? True for the helpers that cannot
/// throw (no allocation, no exception of their own) and never set ExecEnv's unwind or
/// tail_call_target: the time, random and CPU sources, csum_diff, redirect, redirect_map, the
/// xdp_adjust_* helpers, xdp_get_buff_len, xdp_load_bytes/store_bytes. map_lookup_elem is direct
/// when the map is known at load and of a type whose lookup does not allocate
/// (direct_lookup_map_type).
bool direct_call_helper(int32_t id);
/// Map types whose Map::lookup neither allocates nor throws: the hash and array families and
/// the maps of maps (not LPM_TRIE, whose lookup builds a probe key).
bool direct_lookup_map_type(uint32_t type);

struct CompiledObject {
    ExecMemory code;
    TrampolineFn trampoline = nullptr;
    std::unique_ptr<JitTables> tables;  ///< read by the code through baked-in addresses
    std::vector<std::string> refused;   ///< per program: why it was not compiled ("" if it was)
    /// Can a run record a fault? Only code that may jump to the abort stub can (guarded helper
    /// calls, callx, bpf-to-bpf calls, tail calls); a run of other code needs no check after it.
    bool may_fault = true;
};

/// Compiles obj.programs[entry] and every other program (tail-call targets). Throws bpfnic::Error
/// when the entry program cannot be compiled: Rejected (fails ISA validation), Unsupported
/// ("instruction N: ..."), BadInput (a map reference out of range). Other programs that cannot be
/// compiled are recorded in `refused`; a tail call to one faults at run time.
CompiledObject compile_object(const Object& obj, size_t entry, MapSet& maps, const Platform& platform,
                              const HelperTable& helpers, const CompileOptions& opts);

}  // namespace bpfnic::jit
