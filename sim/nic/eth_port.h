// SPDX-License-Identifier: MIT
// EthPort: one Ethernet port of the NIC. Received frames wait in arrival order with their arrival
// time; transmitted frames are serialised at the line rate and kept, stamped with the time their
// last bit left, for whoever models the wire (tests, benchmarks, a link to another model).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include <systemc>

namespace bpfnic::sim::nic {

struct Frame {
    std::vector<uint8_t> bytes;
    unsigned port = 0;
    sc_core::sc_time time;  ///< RX: arrival (last bit in); TX: departure (last bit out)
};

class EthPort : public sc_core::sc_module {
public:
    EthPort(sc_core::sc_module_name name, unsigned index, double gbps);

    unsigned index() const { return index_; }

    /// A frame whose last bit arrives `delay` from now (frames arrive in order: an earlier
    /// arrival than the previous frame's is moved to that time).
    void inject(std::vector<uint8_t> bytes, const sc_core::sc_time& delay);
    /// Earliest pending frame, or nullptr.
    const Frame* peek() const { return rx_.empty() ? nullptr : &rx_.front(); }
    Frame pop();
    size_t rx_pending() const { return rx_.size(); }
    /// Notified when a frame arrives.
    const sc_core::sc_event& arrival_event() const { return arrival_; }

    /// Sends a frame that is ready at time `ready`; returns its departure time.
    sc_core::sc_time transmit(std::vector<uint8_t> bytes, const sc_core::sc_time& ready);
    std::vector<Frame> take_tx();
    size_t tx_count() const { return tx_.size(); }

private:
    unsigned index_;
    sc_core::sc_time bit_time_;
    std::deque<Frame> rx_;
    std::vector<Frame> tx_;
    sc_core::sc_time tx_busy_until_;
    sc_core::sc_event arrival_;
};

}  // namespace bpfnic::sim::nic
