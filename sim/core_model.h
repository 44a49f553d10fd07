// SPDX-License-Identifier: MIT
// CoreModel: the ports of bpfnic_core as plain C++, whatever the Verilated configuration (LANES)
// behind them. make_core_model() builds one of the configurations compiled into bpfnic_sim.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/perf_counters.h"
#include "sim/retire.h"
#include "sim/services.h"
#include "sim/sim_top.h"

namespace bpfnic::sim {

class CoreModel : public SimTop {
public:
    virtual unsigned lanes() const = 0;

    // Control port (read data valid after the next rising edge).
    virtual void set_ctl(bool req, bool we, uint32_t addr, unsigned width_log2, uint64_t wdata) = 0;
    virtual uint64_t ctl_rdata() const = 0;

    // Run control.
    virtual void set_start(bool start, uint32_t entry, uint64_t r1, uint64_t r2) = 0;
    virtual void set_prog_len(uint32_t bundles) = 0;
    virtual bool busy() const = 0;
    virtual bool done() const = 0;
    virtual bool trapped() const = 0;
    virtual unsigned trap_cause() const = 0;
    virtual uint64_t result() const = 0;

    // Map unit port.
    virtual bool ext_request(ExtRequest& out) const = 0;
    virtual void set_ext_response(bool valid, uint64_t rdata, bool err) = 0;

    // Helper port.
    virtual bool helper_request(int32_t& id, uint64_t args[5]) const = 0;
    virtual void set_helper_response(bool valid, uint64_t r0, bool exit, bool err) = 0;

    // Retire-trace port: fills `out` and returns true when the lane retires this cycle.
    virtual bool retire(unsigned lane, RetireRecord& out) const = 0;

    virtual PerfCounters counters() const = 0;
};

/// Lane counts built into this library (at least 1 and 4).
std::vector<unsigned> available_lane_configs();
/// Throws std::invalid_argument for a configuration that was not built.
std::unique_ptr<CoreModel> make_core_model(unsigned lanes);

}  // namespace bpfnic::sim
