// SPDX-License-Identifier: MIT
// The design-agnostic view of a Verilated top that SimCtrl drives: clock, reset, evaluation and
// FST tracing. Each design wraps its Verilated model in one of these.
#pragma once

#include <cstdint>
#include <string>

namespace bpfnic::sim {

class SimTop {
public:
    virtual ~SimTop() = default;
    virtual void set_clock(bool level) = 0;
    virtual void set_reset_n(bool level) = 0;
    virtual void eval() = 0;
    /// FST waveforms (false when the build has no tracing compiled in).
    virtual bool trace_open(const std::string& path) = 0;
    virtual void trace_dump(uint64_t time) = 0;
    virtual void trace_close() = 0;
    /// Runs the model's final blocks (once, at the end of the simulation).
    virtual void finish() = 0;
};

}  // namespace bpfnic::sim
