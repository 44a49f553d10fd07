// SPDX-License-Identifier: MIT
// Nic: construction, the core thread's control work (image load, reset, mailbox) and status.
#include "sim/nic/nic.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace bpfnic::sim::nic {

Nic::Nic(sc_core::sc_module_name name, const NicConfig& cfg, MapMemory& maps, HelperUnit& helpers)
    : sc_module(name),
      bar0("bar0"),
      dma("dma"),
      ports("port"),
      cfg_(cfg),
      dev_(std::make_unique<Device>(cfg.lanes)),
      runner_(*dev_, maps, helpers) {
    if (cfg.ports == 0 || cfg.ports > 255) throw std::invalid_argument("nic: ports must be 1 to 255");
    ports.init(cfg.ports, [&](const char* nm, size_t i) { return new EthPort(nm, static_cast<unsigned>(i), cfg.port_gbps); });
    bar0.register_b_transport(this, &Nic::bar_b_transport);
    wake_ |= work_event_;
    for (EthPort& p : ports) wake_ |= p.arrival_event();
    SC_THREAD(core_thread);
    SC_THREAD(tx_thread);
}

bool Nic::idle() const {
    if (busy_ || load_req_ || reset_req_ || mbox_state_ == kMboxBusy) return false;
    if (tx_.size && tx_.head != tx_.tail) return false;
    if (enabled_ && loaded_) {
        for (const EthPort& p : ports)
            if (p.rx_pending()) return false;
    }
    return true;
}

uint64_t Nic::counter(NicCounter c) const {
    switch (c) {
        case kCntDmaReads:
            return dma.reads();
        case kCntDmaWrites:
            return dma.writes();
        default:
            return c < kNicCounterCount ? cnt_[c] : 0;
    }
}

uint64_t Nic::core_counter(CoreCounter c) const {
    const PerfCounters k = dev_->counters();
    const uint64_t v[kCoreCounterCount] = {k.cycles,     k.bundles,       k.insns,    k.stall_load_use,
                                           k.stall_div,  k.stall_helper,  k.stall_ext, k.stall_atomic,
                                           k.flushes,    k.scrub,         k.packets,  k.errors};
    return c < kCoreCounterCount ? v[c] : 0;
}

void Nic::raise_irq(uint32_t bits) { irq_status_ |= bits; }

uint64_t Nic::core_cycles_to_quantum_end() const {
    const sc_core::sc_time left = tlm::tlm_global_quantum::instance().compute_local_quantum() - qk_.get_local_time();
    const double n = left > sc_core::SC_ZERO_TIME ? left / cfg_.clock_period : 0.0;
    return std::max<uint64_t>(1, static_cast<uint64_t>(n));
}

bool Nic::load_image(uint64_t host_addr, uint32_t bundles, sc_core::sc_time& delay) {
    if (bundles == 0 || bundles > kImemBundles) return false;
    const uint64_t bytes = uint64_t{bundles} * cfg_.lanes * 8;
    std::vector<uint64_t> slots(bytes / 8);
    constexpr uint32_t kChunk = 4096;  // bytes per DMA read
    auto* dst = reinterpret_cast<uint8_t*>(slots.data());
    for (uint64_t off = 0; off < bytes; off += kChunk) {
        const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(kChunk, bytes - off));
        if (!dma.read(host_addr + off, dst + off, n, delay)) return false;
    }
    const uint64_t c0 = dev_->ctrl().cycle();
    dev_->load_program(slots);
    const uint64_t cycles = dev_->ctrl().cycle() - c0;
    cnt_[kCntCoreRunCycles] += cycles;
    delay += cfg_.clock_period * static_cast<double>(cycles);
    loaded_bundles_ = bundles;
    return true;
}

void Nic::do_reset() {
    // The core returns to reset (its counters clear); the instruction memory keeps the image.
    dev_->ctrl().reset(4);
    dev_->model().set_prog_len(loaded_bundles_);
    dev_->model().eval();
    enabled_ = false;
    rx_ = Ring{};
    tx_ = Ring{};
    irq_status_ = 0;
    cnt_.fill(0);
    dma.clear_counts();
}

void Nic::do_mailbox(sc_core::sc_time& delay) {
    uint32_t rc = kMboxUnsupported;
    if (mbox_handler_) rc = mbox_handler_->command(*this, mbox_cmd_, mbox_args_, mbox_data_.data(), delay);
    if (rc == kMboxUnsupported) {
        rc = kMboxOk;
        switch (mbox_cmd_) {
            case kCmdCaps:
                mbox_args_[0] = reg_read(reg::kCaps);
                mbox_args_[1] = kImemBundles;
                mbox_args_[2] = kVersion;
                mbox_args_[3] = cfg_.ports;
                break;
            case kCmdLoadImage: {
                const uint64_t a = mbox_args_[0] | (uint64_t{mbox_args_[1]} << 32);
                loaded_ = load_image(a, mbox_args_[2], delay);
                load_error_ = !loaded_;
                entry_pc_ = mbox_args_[3];
                rc = loaded_ ? kMboxOk : kMboxFailed;
                break;
            }
            case kCmdStart:
                if (!loaded_) rc = kMboxFailed;
                else enabled_ = true;
                break;
            case kCmdStop:
                enabled_ = false;
                break;
            case kCmdCounters: {
                uint8_t* d = mbox_data_.data();
                for (uint32_t i = 0; i < kCoreCounterCount; ++i) {
                    const uint64_t v = core_counter(static_cast<CoreCounter>(i));
                    std::memcpy(d + 8 * i, &v, 8);
                }
                for (uint32_t i = 0; i < kNicCounterCount; ++i) {
                    const uint64_t v = counter(static_cast<NicCounter>(i));
                    std::memcpy(d + 8 * (kCoreCounterCount + i), &v, 8);
                }
                mbox_args_[0] = kCoreCounterCount;
                mbox_args_[1] = kNicCounterCount;
                break;
            }
            case kCmdReset:
                do_reset();
                break;
            default:
                rc = kMboxUnsupported;
                break;
        }
    }
    mbox_result_ = rc;
    mbox_state_ = kMboxDone;
    ++mbox_seq_;
    raise_irq(kIrqMbox);
}

}  // namespace bpfnic::sim::nic
