// SPDX-License-Identifier: MIT
// DmaEngine: the NIC's bus master toward host memory (a TLM-2.0 initiator). Callers pass their
// local time offset (temporal decoupling); each transfer adds the target's latency to it.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace bpfnic::sim::nic {

class DmaEngine : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<DmaEngine> socket;

    explicit DmaEngine(sc_core::sc_module_name name);

    /// Returns false when the target answers with an error (nothing is transferred then).
    bool read(uint64_t addr, void* dst, uint32_t n, sc_core::sc_time& delay);
    bool write(uint64_t addr, const void* src, uint32_t n, sc_core::sc_time& delay);

    uint64_t reads() const { return reads_; }
    uint64_t writes() const { return writes_; }
    void clear_counts() { reads_ = writes_ = 0; }

private:
    bool transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t n, sc_core::sc_time& delay);

    uint64_t reads_ = 0;
    uint64_t writes_ = 0;
};

}  // namespace bpfnic::sim::nic
