// SPDX-License-Identifier: MIT
// HostMemory: bounds-checked host accesses and the DMA target's b_transport.
#include "sim/nic/host_memory.h"

#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

namespace bpfnic::sim::nic {

HostMemory::HostMemory(sc_core::sc_module_name name, uint64_t bytes, sc_core::sc_time latency,
                       sc_core::sc_time per_byte)
    : sc_module(name), socket("socket"), mem_(bytes, 0), latency_(latency), per_byte_(per_byte) {
    socket.register_b_transport(this, &HostMemory::b_transport);
}

void HostMemory::check(uint64_t addr, uint64_t n) const {
    if (addr > mem_.size() || n > mem_.size() - addr) {
        std::ostringstream os;
        os << "host memory: access of " << n << " bytes at 0x" << std::hex << addr << " is outside the " << std::dec
           << mem_.size() << "-byte memory";
        throw std::out_of_range(os.str());
    }
}

void HostMemory::write(uint64_t addr, const void* src, uint64_t n) {
    check(addr, n);
    if (n) std::memcpy(mem_.data() + addr, src, n);
}

void HostMemory::read(uint64_t addr, void* dst, uint64_t n) const {
    check(addr, n);
    if (n) std::memcpy(dst, mem_.data() + addr, n);
}

void HostMemory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const uint64_t addr = p.get_address();
    const uint64_t n = p.get_data_length();
    if (p.get_byte_enable_ptr() || p.get_streaming_width() < n) {
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (addr > mem_.size() || n > mem_.size() - addr) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (fault_hook_ && fault_hook_(p.get_command() == tlm::TLM_WRITE_COMMAND, addr, n)) {
        delay += latency_;
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    switch (p.get_command()) {
        case tlm::TLM_READ_COMMAND:
            std::memcpy(p.get_data_ptr(), mem_.data() + addr, n);
            break;
        case tlm::TLM_WRITE_COMMAND:
            std::memcpy(mem_.data() + addr, p.get_data_ptr(), n);
            break;
        default:
            break;
    }
    delay += latency_ + per_byte_ * static_cast<double>(n);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace bpfnic::sim::nic
