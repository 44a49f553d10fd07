// SPDX-License-Identifier: MIT
// NicSystem: elaboration, MMIO, frames and the simulation loop.
#include "sim/nic/nic_system.h"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

// libsystemc's own main() calls sc_main; executables that use NicSystem have their own main()
// and drive the simulation through it, so this one only satisfies the library's reference.
extern "C" int sc_main(int, char**) { return 1; }

namespace bpfnic::sim::nic {

tlm::tlm_response_status PcieRoot::access(bool write, uint64_t offset, uint8_t* data, uint32_t n,
                                          sc_core::sc_time& delay) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(offset);
    p.set_data_ptr(data);
    p.set_data_length(n);
    p.set_streaming_width(n);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, delay);
    return p.get_response_status();
}

NicSystem::NicSystem(const NicSystemConfig& cfg, MapMemory& maps, HelperUnit& helpers) : cfg_(cfg) {
    if (sc_core::sc_get_status() != sc_core::SC_ELABORATION)
        throw std::logic_error("nic system: SystemC elaborates once per process; build the system before the first run");
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    tlm::tlm_global_quantum::instance().set(cfg.quantum);
    host_ = std::make_unique<HostMemory>("host_mem", cfg.host_bytes, cfg.host_latency, cfg.host_per_byte);
    nic_ = std::make_unique<Nic>("nic", cfg.nic, maps, helpers);
    root_ = std::make_unique<PcieRoot>("root");
    nic_->dma.socket.bind(host_->socket);
    root_->socket.bind(nic_->bar0);
}

NicSystem::~NicSystem() = default;

void NicSystem::mmio(bool write, uint32_t offset, uint8_t* data, uint32_t n) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    const tlm::tlm_response_status st = root_->access(write, offset, data, n, delay);
    mmio_time_ += delay;
    if (st != tlm::TLM_OK_RESPONSE) {
        std::ostringstream os;
        os << "nic system: MMIO " << (write ? "write" : "read") << " of " << n << " bytes at BAR0 offset 0x" << std::hex
           << offset << std::dec << " failed (TLM status " << static_cast<int>(st) << ")";
        throw std::runtime_error(os.str());
    }
}

uint32_t NicSystem::read32(uint32_t offset) {
    uint32_t v = 0;
    mmio(false, offset, reinterpret_cast<uint8_t*>(&v), 4);
    return v;
}

void NicSystem::write32(uint32_t offset, uint32_t value) { mmio(true, offset, reinterpret_cast<uint8_t*>(&value), 4); }

uint64_t NicSystem::read64(uint32_t offset) {
    uint64_t v = 0;
    mmio(false, offset, reinterpret_cast<uint8_t*>(&v), 8);
    return v;
}

void NicSystem::write64(uint32_t offset, uint64_t value) { mmio(true, offset, reinterpret_cast<uint8_t*>(&value), 8); }

void NicSystem::inject(unsigned port, std::vector<uint8_t> bytes, const sc_core::sc_time& delay) {
    if (port >= nic_->ports.size())
        throw std::out_of_range("nic system: port " + std::to_string(port) + " does not exist");
    nic_->ports[port].inject(std::move(bytes), delay);
}

std::vector<Frame> NicSystem::take_tx(unsigned port) {
    if (port >= nic_->ports.size())
        throw std::out_of_range("nic system: port " + std::to_string(port) + " does not exist");
    return nic_->ports[port].take_tx();
}

void NicSystem::run(const sc_core::sc_time& t) { sc_core::sc_start(t); }

bool NicSystem::run_until_idle(const sc_core::sc_time& limit) {
    const sc_core::sc_time end = sc_core::sc_time_stamp() + limit;
    do {
        sc_core::sc_start(cfg_.quantum);
        if (nic_->idle()) return true;
    } while (sc_core::sc_time_stamp() < end);
    return nic_->idle();
}

}  // namespace bpfnic::sim::nic
