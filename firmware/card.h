// SPDX-License-Identifier: MIT
// Card: the simulated bpfnic card in a host's PCIe slot, as the host driver sees it: BAR0 MMIO,
// host memory (where descriptor rings, buffers and images live), the firmware behind the mailbox
// and three Ethernet ports cabled for testing. Port 0 is the port under test (its frames run
// through the XDP program, XDP_TX leaves on it); port 1 is cabled back into port 0 (frames the
// host sends through the TX ring arrive on port 0); port 2 receives XDP_REDIRECT frames.
// SystemC elaborates once per process, so there is one card per process (Card::get()); this
// header keeps SystemC out of its users.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "driver/exec_env.h"
#include "firmware/faults.h"

namespace bpfnic::fw {

class Firmware;

/// A frame that left the card on a port (XDP_TX or XDP_REDIRECT), with the redirect target the
/// program chose for redirected ones.
struct WireFrame {
    std::vector<uint8_t> bytes;
    unsigned port = 0;
    RedirectTarget redirect;
};

class Card {
public:
    static constexpr unsigned kLanes = 4;        ///< core configuration of the card
    static constexpr unsigned kTestPort = 0;
    static constexpr unsigned kLoopbackPort = 1;
    static constexpr unsigned kRedirectPort = 2;
    static constexpr unsigned kPorts = 3;

    /// The process's card, built on first use.
    static Card& get();
    ~Card();

    // Host side of PCIe: BAR0 MMIO and host memory.
    uint32_t read32(uint32_t off);
    void write32(uint32_t off, uint32_t v);
    uint64_t read64(uint32_t off);
    void write64(uint32_t off, uint64_t v);
    void host_write(uint64_t addr, const void* src, uint64_t n);
    void host_read(uint64_t addr, void* dst, uint64_t n);
    uint64_t host_bytes() const;

    /// Advances simulated time by one quantum, carrying frames across the loopback cable.
    void step();
    /// Steps until the card is idle and the cable empty (true), or `limit_ns` passed (false).
    bool run_until_idle(double limit_ns);
    /// Simulated time in nanoseconds.
    double now_ns() const;

    /// Frames that left on XDP_TX (port 0) or XDP_REDIRECT (port 2) since the last call.
    std::vector<WireFrame> take_wire();

    const Firmware& firmware() const;

    /// Faults armed on this card (docs/reliability.md); the card applies each where it belongs.
    CardFaults& faults();
    /// A function-level reset from the host (PCIe FLR): a hung firmware command ends, the NIC
    /// resets (core, rings, counters, ports disabled), the firmware restarts (no program, no
    /// maps) and frames still in the ports or on the cable are lost.
    void function_reset();
    /// Resets of either kind since the card was built (function resets and armed self-resets).
    uint64_t resets() const;

private:
    Card();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace bpfnic::fw
