// SPDX-License-Identifier: MIT
// CoreRunner: the resumable run loop.
#include "sim/nic/core_runner.h"

#include <stdexcept>
#include <vector>

#include "sim/address_map.h"

namespace bpfnic::sim::nic {

void CoreRunner::tick_n(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) dev_.ctrl().tick();
}

void CoreRunner::start(uint32_t entry, uint64_t r1, uint64_t r2, uint64_t budget_cycles) {
    if (running_) throw std::logic_error("core runner: start while a packet runs");
    if (dev_.program_bundles() == 0) throw std::logic_error("core runner: start before a program was loaded");
    CoreModel& m = dev_.model();
    running_ = true;
    trapped_ = timed_out_ = false;
    trap_cause_ = 0;
    result_ = 0;
    budget_ = budget_cycles;
    start_cycle_ = dev_.ctrl().cycle();
    m.set_start(true, entry, r1, r2);
    dev_.ctrl().tick();
    m.set_start(false, 0, 0, 0);
    m.eval();
}

void CoreRunner::abandon() {
    // As Device::run: reset the core and clear the stack the program may have written.
    dev_.ctrl().reset(2);
    dev_.model().set_prog_len(dev_.program_bundles());
    dev_.model().eval();
    dev_.write_mem(addr::kStackBase, std::vector<uint8_t>(addr::kStackBytes, 0));
}

bool CoreRunner::step(uint64_t cycles) {
    if (!running_) return true;
    CoreModel& m = dev_.model();
    const uint64_t stop_at = dev_.ctrl().cycle() + (cycles ? cycles : 1);
    while (!m.done()) {
        if (budget_ && dev_.ctrl().cycle() - start_cycle_ > budget_) {
            timed_out_ = true;
            running_ = false;
            abandon();
            return true;
        }
        if (dev_.ctrl().cycle() >= stop_at) return false;
        ExtRequest ext;
        int32_t helper_id = 0;
        uint64_t args[5];
        if (m.ext_request(ext)) {
            const ExtResponse rsp = maps_.access(ext);
            tick_n(rsp.latency > 1 ? rsp.latency - 1 : 0);
            m.set_ext_response(true, rsp.rdata, rsp.error);
            dev_.ctrl().tick();
            m.set_ext_response(false, 0, false);
            m.eval();
        } else if (m.helper_request(helper_id, args)) {
            const HelperResponse rsp = helpers_.call(dev_, helper_id, args);
            tick_n(rsp.latency > 1 ? rsp.latency - 1 : 0);
            m.set_helper_response(true, rsp.r0, rsp.exit, rsp.error);
            dev_.ctrl().tick();
            m.set_helper_response(false, 0, false, false);
            m.eval();
        } else {
            dev_.ctrl().tick();
        }
    }
    running_ = false;
    result_ = m.result();
    trapped_ = m.trapped();
    trap_cause_ = m.trap_cause();
    return true;
}

}  // namespace bpfnic::sim::nic
