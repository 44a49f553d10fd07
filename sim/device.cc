// SPDX-License-Identifier: MIT
// Device: control-port accesses, program loading and the run loop.
#include "sim/device.h"

#include <stdexcept>
#include <string>

#include "sim/address_map.h"

namespace bpfnic::sim {

Device::Device(unsigned lanes) : model_(make_core_model(lanes)) {
    ctrl_ = std::make_unique<SimCtrl>(*model_);
    model_->set_ctl(false, false, 0, 0, 0);
    model_->set_start(false, 0, 0, 0);
    model_->set_ext_response(false, 0, false);
    model_->set_helper_response(false, 0, false, false);
    model_->set_prog_len(0);
    ctrl_->set_timeout(kDefaultTimeout);
    ctrl_->reset(4);
}

Device::~Device() = default;

void Device::tick() {
    ctrl_->tick();
    if (sinks_.empty()) {
        // Nobody consumes the retire stream: only a trap's pc is needed (only lane 0 traps).
        RetireRecord r;
        if (model_->retire(0, r) && r.trap) {
            trap_seen_ = true;
            trap_pc_ = r.pc;
        }
        return;
    }
    const unsigned n = model_->lanes();
    for (unsigned l = 0; l < n; ++l) {
        RetireRecord r;
        if (!model_->retire(l, r)) continue;
        if (r.trap) {
            trap_seen_ = true;
            trap_pc_ = r.pc;
        }
        for (RetireSink* s : sinks_) {
            if (!s->on_retire(r)) stop_ = true;
        }
    }
}

void Device::ctl_issue(bool we, uint64_t addr, unsigned width_log2, uint64_t wdata) {
    model_->set_ctl(true, we, static_cast<uint32_t>(addr), width_log2, wdata);
    tick();
}

void Device::ctl_release() {
    model_->set_ctl(false, false, 0, 0, 0);
    model_->eval();
}

void Device::ctl_access(bool we, uint64_t addr, unsigned width_log2, uint64_t wdata) {
    ctl_issue(we, addr, width_log2, wdata);
    ctl_release();
}

void Device::load_program(std::span<const uint64_t> slots) {
    const unsigned n = model_->lanes();
    if (slots.size() % n) throw std::invalid_argument("program slots are not a whole number of bundles");
    if (model_->busy()) throw std::logic_error("program load while the core runs");
    bundles_ = static_cast<uint32_t>(slots.size() / n);
    // Back-to-back accesses: the request stays up between them (no clock edge sees it drop).
    for (size_t i = 0; i < slots.size(); ++i) {
        const uint64_t b = i / n, l = i % n;
        ctl_issue(true, addr::kImemBase + b * 64 + l * 8, 3, slots[i]);
    }
    ctl_release();
    model_->set_prog_len(bundles_);
    model_->eval();
}

void Device::write_mem(uint64_t addr, std::span<const uint8_t> bytes) {
    size_t i = 0;
    while (i < bytes.size()) {
        const size_t left = bytes.size() - i;
        const unsigned w = left >= 8 ? 3 : left >= 4 ? 2 : left >= 2 ? 1 : 0;
        uint64_t v = 0;
        for (unsigned k = 0; k < (1u << w); ++k) v |= uint64_t{bytes[i + k]} << (8 * k);
        ctl_issue(true, addr + i, w, v);
        i += 1u << w;
    }
    if (!bytes.empty()) ctl_release();
}

std::vector<uint8_t> Device::read_mem(uint64_t addr, size_t n) {
    std::vector<uint8_t> out(n);
    for (size_t i = 0; i < n; i += 8) {
        ctl_issue(false, addr + i, 3, 0);
        const uint64_t v = model_->ctl_rdata();
        for (size_t k = 0; k < 8 && i + k < n; ++k) out[i + k] = static_cast<uint8_t>(v >> (8 * k));
    }
    if (n) ctl_release();
    return out;
}

void Device::write_u32(uint64_t addr, uint32_t v) { ctl_access(true, addr, 2, v); }

uint32_t Device::read_u32(uint64_t addr) {
    ctl_access(false, addr, 2, 0);
    return static_cast<uint32_t>(model_->ctl_rdata());
}

RunResult Device::run(uint32_t entry, uint64_t r1, uint64_t r2, MapMemory& maps, HelperUnit& helpers,
                      uint64_t max_cycles) {
    if (bundles_ == 0) throw std::logic_error("run before a program was loaded");
    RunResult res;
    const PerfCounters before = model_->counters();
    const uint64_t budget = max_cycles ? max_cycles : ctrl_->timeout();
    const uint64_t start_cycle = ctrl_->cycle();
    stop_ = false;
    trap_seen_ = false;

    model_->set_start(true, entry, r1, r2);
    tick();
    model_->set_start(false, 0, 0, 0);
    model_->eval();

    while (!model_->done()) {
        if (stop_) {
            res.stopped = true;
            break;
        }
        if (budget && ctrl_->cycle() - start_cycle > budget) {
            res.timed_out = true;
            break;
        }
        ExtRequest ext;
        int32_t helper_id = 0;
        uint64_t args[5];
        if (model_->ext_request(ext)) {
            const ExtResponse rsp = maps.access(ext);
            for (uint32_t i = 1; i < rsp.latency; ++i) tick();
            model_->set_ext_response(true, rsp.rdata, rsp.error);
            tick();
            model_->set_ext_response(false, 0, false);
            model_->eval();
        } else if (model_->helper_request(helper_id, args)) {
            const HelperResponse rsp = helpers.call(*this, helper_id, args);
            for (uint32_t i = 1; i < rsp.latency; ++i) tick();
            model_->set_helper_response(true, rsp.r0, rsp.exit, rsp.error);
            tick();
            model_->set_helper_response(false, 0, false, false);
            model_->eval();
        } else {
            tick();
        }
    }
    if (res.timed_out || res.stopped) {
        // Abandon the packet: reset the core and clear the stack it may have written.
        res.delta = model_->counters() - before;
        ctrl_->reset(2);
        model_->set_prog_len(bundles_);
        model_->eval();
        write_mem(addr::kStackBase, std::vector<uint8_t>(addr::kStackBytes, 0));
        return res;
    }
    res.r0 = model_->result();
    res.trapped = model_->done() && model_->trapped();
    res.trap_cause = model_->trap_cause();
    res.trap_pc = trap_pc_;
    res.delta = model_->counters() - before;
    return res;
}

}  // namespace bpfnic::sim
