// SPDX-License-Identifier: MIT
// HostMemory: the host's DRAM as the NIC's DMA engine sees it across PCIe: a TLM-2.0 target
// (b_transport, loosely timed) with a fixed latency per transaction plus a per-byte cost. The
// host side (driver model, tests) reads and writes it directly.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace bpfnic::sim::nic {

class HostMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<HostMemory> socket;

    HostMemory(sc_core::sc_module_name name, uint64_t bytes, sc_core::sc_time latency,
               sc_core::sc_time per_byte);

    uint64_t size() const { return mem_.size(); }
    /// Host CPU accesses (no time); throw std::out_of_range outside the memory.
    void write(uint64_t addr, const void* src, uint64_t n);
    void read(uint64_t addr, void* dst, uint64_t n) const;
    /// Fault injection: a DMA transfer for which the hook returns true fails with an address error
    /// response (as an IOMMU fault would) and moves no data. Null: no faults.
    using FaultHook = std::function<bool(bool write, uint64_t addr, uint64_t n)>;
    void set_fault_hook(FaultHook hook) { fault_hook_ = std::move(hook); }

private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    void check(uint64_t addr, uint64_t n) const;

    std::vector<uint8_t> mem_;
    sc_core::sc_time latency_;
    sc_core::sc_time per_byte_;
    FaultHook fault_hook_;
};

}  // namespace bpfnic::sim::nic
