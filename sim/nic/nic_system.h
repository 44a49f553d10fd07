// SPDX-License-Identifier: MIT
// NicSystem: a host with the bpfnic card in a PCIe slot: host memory, the card (Nic) with its
// DMA engine bound to that memory, and the host's root port (a TLM initiator toward BAR0). It is
// what tests, benchmarks and a host driver model drive: MMIO, host memory, frames on the wire and
// simulated time. SystemC allows one elaboration per process: build one NicSystem per process,
// before the first run (the constructor throws std::logic_error afterwards).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "sim/nic/host_memory.h"
#include "sim/nic/nic.h"

namespace bpfnic::sim::nic {

struct NicSystemConfig {
    NicConfig nic;
    uint64_t host_bytes = 64ull << 20;
    sc_core::sc_time host_latency{300, sc_core::SC_NS};   ///< per DMA transaction
    sc_core::sc_time host_per_byte{125, sc_core::SC_PS};  ///< 8 GB/s
    sc_core::sc_time quantum{10, sc_core::SC_US};         ///< tlm_global_quantum
};

/// The host's root port: MMIO transactions toward a BAR.
class PcieRoot : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<PcieRoot> socket;
    explicit PcieRoot(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}
    /// One MMIO transaction; returns the TLM response status.
    tlm::tlm_response_status access(bool write, uint64_t offset, uint8_t* data, uint32_t n, sc_core::sc_time& delay);
};

class NicSystem {
public:
    NicSystem(const NicSystemConfig& cfg, MapMemory& maps, HelperUnit& helpers);
    ~NicSystem();
    NicSystem(const NicSystem&) = delete;
    NicSystem& operator=(const NicSystem&) = delete;

    Nic& nic() { return *nic_; }
    HostMemory& host() { return *host_; }
    PcieRoot& root() { return *root_; }

    /// MMIO through the root port and BAR0; throws std::runtime_error on an error response.
    uint32_t read32(uint32_t offset);
    void write32(uint32_t offset, uint32_t value);
    uint64_t read64(uint32_t offset);
    void write64(uint32_t offset, uint64_t value);
    /// Host time spent in MMIO so far (the root port's accesses are blocking).
    sc_core::sc_time mmio_time() const { return mmio_time_; }

    /// A frame arriving on `port` after `delay` of simulated time.
    void inject(unsigned port, std::vector<uint8_t> bytes, const sc_core::sc_time& delay = sc_core::SC_ZERO_TIME);
    std::vector<Frame> take_tx(unsigned port);

    void run(const sc_core::sc_time& t);
    /// Runs until the card is idle (true) or `limit` of simulated time passed (false).
    bool run_until_idle(const sc_core::sc_time& limit);
    sc_core::sc_time now() const { return sc_core::sc_time_stamp(); }

private:
    void mmio(bool write, uint32_t offset, uint8_t* data, uint32_t n);

    NicSystemConfig cfg_;
    std::unique_ptr<HostMemory> host_;
    std::unique_ptr<Nic> nic_;
    std::unique_ptr<PcieRoot> root_;
    sc_core::sc_time mmio_time_;
};

}  // namespace bpfnic::sim::nic
