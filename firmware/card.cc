// SPDX-License-Identifier: MIT
// Card: the NIC system with the firmware installed, the loopback cable and the redirect port.
#include "firmware/card.h"

#include <deque>

#include "driver/hw/hw_map_memory.h"
#include "firmware/firmware.h"
#include "firmware/helper_port.h"
#include "sim/nic/nic_system.h"

namespace bpfnic::fw {

struct Card::Impl {
    CardFaults faults;
    HwMapMemory map_unit;
    HelperPort helper_port{map_unit};
    Firmware firmware{map_unit, helper_port, faults};
    nic::NicSystem sys;
    std::deque<RedirectTarget> redirects;  // in the order redirected frames left

    static nic::NicSystemConfig config() {
        nic::NicSystemConfig c;
        c.nic.lanes = kLanes;
        c.nic.ports = kPorts;
        c.quantum = sc_core::sc_time(1, sc_core::SC_US);
        return c;
    }

    Impl() : sys(config(), map_unit, helper_port) {
        sys.nic().set_mailbox_handler(&firmware);
        sys.nic().set_redirect_resolver([this] {
            redirects.push_back(helper_port.env().redirect);
            helper_port.env().redirect = {};
            return static_cast<int>(kRedirectPort);
        });
        sys.host().set_fault_hook([this](bool write, uint64_t addr, uint64_t n) { return faults.dma_fails(write, addr, n); });
    }

    void reset_card() {
        firmware.release_hang();
        sys.run(sc_core::sc_time(1, sc_core::SC_US));  // the aborted command completes
        sys.write32(nic::reg::kCtrl, nic::kCtrlReset);
        // The core thread takes the reset once the packet in the core (if any) has finished.
        for (int i = 0; i < 100000 && !sys.nic().idle(); ++i) sys.run(sc_core::sc_time(1, sc_core::SC_US));
        firmware.restart();
        for (unsigned p = 0; p < kPorts; ++p) {
            while (sys.nic().ports[p].rx_pending()) (void)sys.nic().ports[p].pop();
            (void)sys.take_tx(p);
        }
        redirects.clear();
        ++faults.resets;
    }

    /// Frames the host sent through the TX ring cross the cable into the port under test.
    bool carry_cable() {
        auto frames = sys.take_tx(kLoopbackPort);
        for (auto& f : frames) sys.inject(kTestPort, std::move(f.bytes));
        return !frames.empty();
    }
};

Card& Card::get() {
    // Never destroyed: SystemC's simulation context goes away at exit in an order of its own, and
    // the card's modules must not outlive it.
    static Card* card = new Card;
    return *card;
}

Card::Card() : impl_(std::make_unique<Impl>()) {}
Card::~Card() = default;

uint32_t Card::read32(uint32_t off) { return impl_->sys.read32(off); }
void Card::write32(uint32_t off, uint32_t v) { impl_->sys.write32(off, v); }
uint64_t Card::read64(uint32_t off) { return impl_->sys.read64(off); }
void Card::write64(uint32_t off, uint64_t v) { impl_->sys.write64(off, v); }
void Card::host_write(uint64_t addr, const void* src, uint64_t n) { impl_->sys.host().write(addr, src, n); }
void Card::host_read(uint64_t addr, void* dst, uint64_t n) { impl_->sys.host().read(addr, dst, n); }
uint64_t Card::host_bytes() const { return impl_->sys.host().size(); }
double Card::now_ns() const { return impl_->sys.now().to_seconds() * 1e9; }
const Firmware& Card::firmware() const { return impl_->firmware; }
CardFaults& Card::faults() { return impl_->faults; }
void Card::function_reset() { impl_->reset_card(); }
uint64_t Card::resets() const { return impl_->faults.resets; }

void Card::step() {
    impl_->sys.run(sc_core::sc_time(1, sc_core::SC_US));
    impl_->carry_cable();
    CardFaults& f = impl_->faults;
    if (f.reset_at_rx_frames && impl_->sys.nic().counter(nic::kCntRxFrames) >= f.reset_at_rx_frames) {
        f.reset_at_rx_frames = 0;
        impl_->reset_card();
    }
}

bool Card::run_until_idle(double limit_ns) {
    const double end = now_ns() + limit_ns;
    do {
        step();
        nic::Nic& n = impl_->sys.nic();
        if (n.idle() && n.ports[kLoopbackPort].tx_count() == 0) {
            // A stopped card leaves frames waiting at its port: that is idle too.
            const bool enabled = impl_->sys.read32(nic::reg::kStatus) & nic::kStatusEnabled;
            if (!enabled || n.ports[kTestPort].rx_pending() == 0) return true;
        }
    } while (now_ns() < end);
    return false;
}

std::vector<WireFrame> Card::take_wire() {
    std::vector<WireFrame> out;
    for (auto& f : impl_->sys.take_tx(kTestPort)) out.push_back(WireFrame{std::move(f.bytes), kTestPort, {}});
    for (auto& f : impl_->sys.take_tx(kRedirectPort)) {
        WireFrame w{std::move(f.bytes), kRedirectPort, {}};
        if (!impl_->redirects.empty()) {
            w.redirect = impl_->redirects.front();
            impl_->redirects.pop_front();
        }
        out.push_back(std::move(w));
    }
    return out;
}

}  // namespace bpfnic::fw
