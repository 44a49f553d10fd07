// SPDX-License-Identifier: MIT
// CoreRunner: runs one packet on a sim::Device in slices of cycles, so that a SystemC thread can
// advance the Verilated core a quantum at a time (temporal decoupling) and resume it later. It
// services the map unit and helper ports as Device::run does.
#pragma once

#include <cstdint>

#include "sim/device.h"
#include "sim/services.h"

namespace bpfnic::sim::nic {

class CoreRunner {
public:
    CoreRunner(Device& dev, MapMemory& maps, HelperUnit& helpers) : dev_(dev), maps_(maps), helpers_(helpers) {}

    /// Starts a packet (the program must be loaded and the core idle).
    void start(uint32_t entry, uint64_t r1, uint64_t r2, uint64_t budget_cycles);
    /// Advances at least one and about `cycles` clock cycles (a port answer with a latency may
    /// run past it); returns true once the packet is finished (ended, trapped or out of budget).
    bool step(uint64_t cycles);

    bool running() const { return running_; }
    uint64_t result() const { return result_; }
    bool trapped() const { return trapped_; }
    unsigned trap_cause() const { return trap_cause_; }
    bool timed_out() const { return timed_out_; }

private:
    void tick_n(uint64_t n);
    void abandon();

    Device& dev_;
    MapMemory& maps_;
    HelperUnit& helpers_;
    bool running_ = false;
    uint64_t start_cycle_ = 0;
    uint64_t budget_ = 0;
    uint64_t result_ = 0;
    bool trapped_ = false;
    unsigned trap_cause_ = 0;
    bool timed_out_ = false;
};

}  // namespace bpfnic::sim::nic
