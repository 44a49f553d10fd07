// SPDX-License-Identifier: MIT
// EthPort: the receive queue and the line-rate transmit model.
#include "sim/nic/eth_port.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace bpfnic::sim::nic {

namespace {
// Preamble, start delimiter and inter-frame gap: bytes on the wire besides the frame itself.
constexpr unsigned kWireOverhead = 20;
}  // namespace

EthPort::EthPort(sc_core::sc_module_name name, unsigned index, double gbps)
    : sc_module(name), index_(index), bit_time_(1.0 / gbps, sc_core::SC_NS) {
    if (gbps <= 0) throw std::invalid_argument("eth port: line rate must be positive");
}

void EthPort::inject(std::vector<uint8_t> bytes, const sc_core::sc_time& delay) {
    sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
    if (!rx_.empty()) at = std::max(at, rx_.back().time);
    rx_.push_back(Frame{std::move(bytes), index_, at});
    arrival_.notify(at - sc_core::sc_time_stamp());
}

Frame EthPort::pop() {
    if (rx_.empty()) throw std::logic_error("eth port: pop with no frame pending");
    Frame f = std::move(rx_.front());
    rx_.pop_front();
    return f;
}

sc_core::sc_time EthPort::transmit(std::vector<uint8_t> bytes, const sc_core::sc_time& ready) {
    const sc_core::sc_time start = std::max(ready, tx_busy_until_);
    tx_busy_until_ = start + bit_time_ * (8.0 * static_cast<double>(bytes.size() + kWireOverhead));
    tx_.push_back(Frame{std::move(bytes), index_, tx_busy_until_});
    return tx_busy_until_;
}

std::vector<Frame> EthPort::take_tx() {
    std::vector<Frame> out;
    out.swap(tx_);
    return out;
}

}  // namespace bpfnic::sim::nic
