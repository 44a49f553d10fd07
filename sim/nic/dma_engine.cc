// SPDX-License-Identifier: MIT
// DmaEngine: one generic payload per transfer.
#include "sim/nic/dma_engine.h"

namespace bpfnic::sim::nic {

DmaEngine::DmaEngine(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

bool DmaEngine::transfer(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint32_t n, sc_core::sc_time& delay) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(n);
    p.set_streaming_width(n);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, delay);
    return p.is_response_ok();
}

bool DmaEngine::read(uint64_t addr, void* dst, uint32_t n, sc_core::sc_time& delay) {
    ++reads_;
    return transfer(tlm::TLM_READ_COMMAND, addr, static_cast<uint8_t*>(dst), n, delay);
}

bool DmaEngine::write(uint64_t addr, const void* src, uint32_t n, sc_core::sc_time& delay) {
    ++writes_;
    // The payload's data pointer is not const; the target only reads it for a write.
    return transfer(tlm::TLM_WRITE_COMMAND, addr, static_cast<uint8_t*>(const_cast<void*>(src)), n, delay);
}

}  // namespace bpfnic::sim::nic
