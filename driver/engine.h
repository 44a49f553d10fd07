// SPDX-License-Identifier: MIT
// The one small interface every execution engine implements (interpreter, JIT, RTL), registered
// explicitly in make_engine(). Tests and the driver run the same cases on each.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "compiler/platform.h"
#include "compiler/program.h"
#include "driver/exec_env.h"
#include "driver/maps.h"

namespace bpfnic {

/// Counters an engine reports for its last run (zero where it does not count).
struct RunStats {
    uint64_t insns = 0;   ///< eBPF instructions executed
    uint64_t cycles = 0;  ///< hardware cycles (RTL only)
};

class Engine {
public:
    virtual ~Engine() = default;
    virtual const char* name() const = 0;

    /// Prepares obj.programs[entry] to run; the object's other programs are tail-call targets by
    /// index. maps must outlive the engine's use; platform gives helpers and limits. Throws
    /// bpfnic::Error (Unsupported with the instruction index when the engine cannot run it).
    virtual void load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) = 0;

    /// Runs the loaded program once with r1 and r2 set (XDP: r1 = &xdp_md; raw mode: memory and
    /// length) and returns r0. Throws bpfnic::Error (Runtime) on a fault the engine detects.
    virtual uint64_t run(ExecEnv& env, uint64_t r1, uint64_t r2) = 0;

    virtual RunStats last_stats() const { return {}; }
};

/// Choices made when an engine is created.
struct EngineOptions {
    /// Run the verifier at load on programs of a real program type (XDP, TC) and refuse what it
    /// rejects (the JIT, which does not bounds-check). Off only for tests of raw instruction
    /// semantics; raw conformance programs (ProgType::Unspec) are never verified.
    bool verify_typed = true;
    /// hw: slots per bundle of the simulated core (a built configuration: 1 and 4 at least).
    unsigned hw_lanes = 4;
};

/// "interp", "jit" or "hw"; throws bpfnic::Error (NotFound) for other names.
std::unique_ptr<Engine> make_engine(const std::string& name, const EngineOptions& opts = {});

}  // namespace bpfnic
