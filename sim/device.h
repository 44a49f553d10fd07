// SPDX-License-Identifier: MIT
// Device: one simulated bpfnic core with its harness: the controller (clock, reset, timeout,
// trace), the control port (instruction memory, context, stack and packet buffer), the run loop
// that services the map unit and helper ports, and the retire stream to tracers and checkers.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/core_model.h"
#include "sim/sim_ctrl.h"

namespace bpfnic::sim {

struct RunResult {
    uint64_t r0 = 0;
    bool trapped = false;
    unsigned trap_cause = 0;
    uint32_t trap_pc = 0;
    bool timed_out = false;
    bool stopped = false;       ///< a retire sink asked to stop (checker divergence)
    PerfCounters delta;         ///< counters of this run
};

class Device {
public:
    static constexpr uint64_t kDefaultTimeout = 50'000'000;  ///< cycles per packet


    explicit Device(unsigned lanes);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    unsigned lanes() const { return model_->lanes(); }
    SimCtrl& ctrl() { return *ctrl_; }
    CoreModel& model() { return *model_; }

    /// Writes a program: `slots` holds bundles * lanes() 64-bit slots, bundle-major.
    void load_program(std::span<const uint64_t> slots);
    uint32_t program_bundles() const { return bundles_; }

    /// Byte accesses through the control port (device addresses below the map region).
    void write_mem(uint64_t addr, std::span<const uint8_t> bytes);
    std::vector<uint8_t> read_mem(uint64_t addr, size_t n);
    void write_u32(uint64_t addr, uint32_t v);
    uint32_t read_u32(uint64_t addr);

    void add_retire_sink(RetireSink* s) { sinks_.push_back(s); }
    void clear_retire_sinks() { sinks_.clear(); }

    /// Runs one packet from `entry` with r1/r2, servicing the ports, until the program ends, a
    /// trap, `max_cycles` (0: the controller's timeout) or a sink's stop request.
    RunResult run(uint32_t entry, uint64_t r1, uint64_t r2, MapMemory& maps, HelperUnit& helpers,
                  uint64_t max_cycles = 0);

    PerfCounters counters() const { return model_->counters(); }

private:
    void tick();  // one cycle plus the retire dispatch
    void ctl_access(bool we, uint64_t addr, unsigned width_log2, uint64_t wdata);
    void ctl_issue(bool we, uint64_t addr, unsigned width_log2, uint64_t wdata);  // request, one clock
    void ctl_release();                                                           // request down

    std::unique_ptr<CoreModel> model_;
    std::unique_ptr<SimCtrl> ctrl_;
    std::vector<RetireSink*> sinks_;
    uint32_t bundles_ = 0;
    bool stop_ = false;
    bool trap_seen_ = false;
    uint32_t trap_pc_ = 0;
};

}  // namespace bpfnic::sim
