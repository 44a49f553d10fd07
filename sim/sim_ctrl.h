// SPDX-License-Identifier: MIT
// SimCtrl: the design-agnostic simulation controller (clock, reset, cycle timeout, FST trace on
// and off) and the extension interface through which memory models, tracers, counters and the
// co-simulation checker observe every clock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sim_top.h"

namespace bpfnic::sim {

/// A plug-in of the controller. on_clock runs after every rising edge once the model has
/// settled, so it sees the registered state of that cycle; it may set inputs for the next edge.
class SimExtension {
public:
    virtual ~SimExtension() = default;
    /// Command-line options (+name or --name); returns false on an option it rejects.
    virtual bool parse_args(int /*argc*/, char** /*argv*/) { return true; }
    virtual void pre_exec() {}
    virtual void on_clock(uint64_t /*cycle*/) {}
    virtual void post_exec() {}
};

class SimCtrl {
public:
    explicit SimCtrl(SimTop& top) : top_(top) {}
    ~SimCtrl();
    SimCtrl(const SimCtrl&) = delete;
    SimCtrl& operator=(const SimCtrl&) = delete;

    void add_extension(SimExtension* ext) { exts_.push_back(ext); }
    /// "+trace=FILE" turns FST tracing on from the first cycle; extensions see every argument.
    bool parse_args(int argc, char** argv);

    /// Holds reset for `cycles` clocks, then releases it.
    void reset(unsigned cycles = 2);
    /// One full clock cycle (falling then rising edge), then every extension's on_clock.
    void tick();
    uint64_t cycle() const { return cycle_; }

    /// Cycle budget of run_until; 0: none.
    void set_timeout(uint64_t cycles) { timeout_ = cycles; }
    uint64_t timeout() const { return timeout_; }

    /// Starts/stops FST output (a window of cycles or a failing case only: tracing is slow).
    bool trace_on(const std::string& path);
    void trace_off();
    bool tracing() const { return tracing_; }

    void pre_exec();
    void post_exec();

private:
    SimTop& top_;
    std::vector<SimExtension*> exts_;
    uint64_t cycle_ = 0;
    uint64_t time_ = 0;
    uint64_t timeout_ = 0;
    bool tracing_ = false;
    bool finished_ = false;
};

}  // namespace bpfnic::sim
