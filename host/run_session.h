// SPDX-License-Identifier: MIT
// The regression runner's engine loop (host/regress/case_run.cc): one program over a stream of
// packets on the engines directly (the hardware engine is the core model, not the card), or on
// several in cross-check mode, with the interpreter's executed instructions per packet for its
// histograms. The bpfnic command's run, map and demo do not use it: they run on the driver's
// sessions (host/driver_session.h), whose cross-check is the driver's.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "compiler/program.h"
#include "driver/engine.h"
#include "driver/fib.h"
#include "driver/report.h"
#include "driver/test_run.h"

namespace bpfnic {

struct SessionOptions {
    /// interp, jit, hw (falls back to jit, then interp, when the program cannot be offloaded) or
    /// xcheck (interp as reference, plus every other engine that can load the program).
    std::string engine = "interp";
    uint32_t repeat = 1;
    /// Initial map contents: map name and JSON file (a report's map object or an entries array).
    std::vector<std::pair<std::string, std::string>> map_files;
    size_t max_mismatch_details = 10;
    /// hw: an FST waveform of the run goes here (empty: none). BadInput when the hardware engine
    /// does not run the program or the build has no waveform support.
    std::string trace_path;
};

class RunSession {
public:
    /// Loads obj.programs[entry] on the engines. Throws Error: NotFound for an unknown engine or
    /// map name, Unsupported when the requested engine cannot run the program (hw falls back
    /// instead), BadInput for a bad map file.
    RunSession(const Object& obj, size_t entry, const SessionOptions& opts);
    ~RunSession();

    /// Throws Error (NotFound) unless name is one of interp, jit, hw, xcheck.
    static void check_engine_name(const std::string& name);

    /// Runs one packet on every engine; returns the reference engine's output. A fault is
    /// rethrown as Error (Runtime) naming the packet and the engine.
    const TestRunOutput& run_packet(std::span<const uint8_t> packet);

    /// The report so far (maps: the reference engine's current contents).
    RunReport report();
    MapSet& reference_maps();
    const std::vector<std::string>& engine_names() const { return report_.engines; }
    uint64_t mismatches() const { return mismatch_count_; }
    /// The last packet's output on the named engine of this session; nullptr when it is not one
    /// of engine_names().
    const TestRunOutput* last_output(const std::string& engine) const;

private:
    struct Slot;
    void add_slot(const std::string& name, const Object& obj, size_t entry, const SessionOptions& opts);
    void compare(size_t i, uint64_t packet);
    static void add_hw_counters(Slot& s);

    std::vector<std::unique_ptr<Slot>> slots_;
    RunReport report_;
    uint32_t repeat_ = 1;
    size_t max_details_ = 10;
    uint64_t mismatch_count_ = 0;
    bool cross_check_ = false;
};

}  // namespace bpfnic
