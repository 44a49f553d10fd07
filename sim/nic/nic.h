// SPDX-License-Identifier: MIT
// Nic: the SystemC/TLM-2.0 model of the bpfnic card around one simulated core: the PCIe BAR0
// register target, the DMA engine, RX/TX descriptor rings in host memory, Ethernet ports, the
// mailbox toward the card's firmware, and the core thread that runs every received frame through
// the XDP program. The Verilated core advances in slices of the global quantum with a
// tlm_quantumkeeper (temporal decoupling): it runs ahead of SystemC time and syncs once per
// quantum, so the platform around it costs little simulation speed. Register map: regs.h and
// docs/register-map.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "sim/device.h"
#include "sim/nic/core_runner.h"
#include "sim/nic/dma_engine.h"
#include "sim/nic/eth_port.h"
#include "sim/nic/regs.h"
#include "sim/services.h"

namespace bpfnic::sim::nic {

struct NicConfig {
    unsigned lanes = 4;                 ///< a core configuration built into bpfnic_sim
    unsigned ports = 2;                 ///< Ethernet ports
    double port_gbps = 100.0;           ///< line rate of each port
    sc_core::sc_time clock_period{4, sc_core::SC_NS};  ///< core clock (250 MHz)
    sc_core::sc_time mmio_read_latency{400, sc_core::SC_NS};
    sc_core::sc_time mmio_write_latency{100, sc_core::SC_NS};
};

class Nic;

/// The card's firmware as the mailbox sees it. command() runs in the core thread between packets
/// (the core is idle): it may DMA (with `delay`, the thread's local time offset), load images
/// and use the device. It returns a kMbox* result code; kMboxUnsupported lets the NIC answer
/// the command itself when it is one of its built-in ones.
class MailboxHandler {
public:
    virtual ~MailboxHandler() = default;
    virtual uint32_t command(Nic& nic, uint32_t cmd, std::array<uint32_t, reg::kMboxArgCount>& args,
                             uint8_t* data, sc_core::sc_time& delay) = 0;
};

class Nic : public sc_core::sc_module {
public:
    static constexpr uint32_t kImemBundles = 4096;  ///< bpfnic_core IMEM_DEPTH
    static constexpr uint32_t kHeadroom = 256;      ///< bytes before the frame in the packet buffer
    static constexpr uint32_t kTailroom = 320;      ///< bytes after it that adjust_tail may claim

    tlm_utils::simple_target_socket<Nic> bar0;      ///< PCIe BAR0 (MMIO from the host)
    DmaEngine dma;                                  ///< bind dma.socket to host memory
    sc_core::sc_vector<EthPort> ports;

    Nic(sc_core::sc_module_name name, const NicConfig& cfg, MapMemory& maps, HelperUnit& helpers);
    SC_HAS_PROCESS(Nic);

    const NicConfig& config() const { return cfg_; }
    Device& device() { return *dev_; }
    void set_mailbox_handler(MailboxHandler* h) { mbox_handler_ = h; }
    /// Where XDP_REDIRECT sends a frame: a port index, or a negative value to drop it. Without a
    /// resolver redirected frames are dropped (and counted as redirects).
    void set_redirect_resolver(std::function<int()> r) { redirect_resolver_ = std::move(r); }
    /// Called for every frame once it is in the packet buffer, before the program runs: helper
    /// unit models that keep a host-side copy of the frame (for helpers that take the context)
    /// start it from here (the frame, its ingress_ifindex).
    void set_frame_start_hook(std::function<void(const Frame&, uint32_t)> h) { frame_start_hook_ = std::move(h); }

    /// Nothing left to do: no frame waiting, no packet in the core, no pending load, reset or
    /// mailbox command, and the TX ring drained.
    bool idle() const;
    /// The interrupt line (IRQ_STATUS & IRQ_MASK).
    bool irq() const { return (irq_status_ & irq_mask_) != 0; }
    uint64_t counter(NicCounter c) const;
    uint64_t core_counter(CoreCounter c) const;

    /// Loads `bundles` bundles of slots from host memory (core thread only: a mailbox handler).
    bool load_image(uint64_t host_addr, uint32_t bundles, sc_core::sc_time& delay);

private:
    struct Ring {
        uint64_t base = 0;
        uint32_t size = 0;
        uint32_t head = 0;
        uint32_t tail = 0;
    };

    void bar_b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    uint32_t reg_read(uint32_t off) const;
    void reg_write(uint32_t off, uint32_t v);
    uint32_t ring_read(const Ring& r, uint32_t off) const;
    void ring_write(Ring& r, uint32_t off, uint32_t v);

    void core_thread();
    void tx_thread();
    void do_reset();
    void do_mailbox(sc_core::sc_time& delay);
    EthPort* next_frame_port(const sc_core::sc_time& now) const;
    void process_frame(Frame f);
    void deliver_to_host(const std::vector<uint8_t>& bytes, unsigned port, sc_core::sc_time& delay);
    void raise_irq(uint32_t bits);
    uint64_t core_cycles_to_quantum_end() const;

    NicConfig cfg_;
    std::unique_ptr<Device> dev_;
    CoreRunner runner_;
    MailboxHandler* mbox_handler_ = nullptr;
    std::function<int()> redirect_resolver_;
    std::function<void(const Frame&, uint32_t)> frame_start_hook_;
    tlm_utils::tlm_quantumkeeper qk_;     // the core thread's local time

    // Registers.
    bool enabled_ = false;
    bool load_req_ = false;
    bool reset_req_ = false;
    bool loaded_ = false;
    bool load_error_ = false;
    bool busy_ = false;
    uint32_t irq_status_ = 0;
    uint32_t irq_mask_ = 0;
    uint64_t prog_addr_ = 0;
    uint32_t prog_bundles_ = 0;
    uint32_t loaded_bundles_ = 0;
    uint32_t entry_pc_ = 0;
    uint32_t run_timeout_ = 10'000'000;
    uint32_t ifindex_base_ = 1;
    Ring rx_, tx_;
    uint32_t mbox_cmd_ = 0;
    uint32_t mbox_state_ = kMboxIdle;
    uint32_t mbox_result_ = kMboxOk;
    uint32_t mbox_seq_ = 0;
    std::array<uint32_t, reg::kMboxArgCount> mbox_args_{};
    std::array<uint8_t, reg::kMboxDataBytes> mbox_data_{};
    std::array<uint64_t, kNicCounterCount> cnt_{};

    sc_core::sc_event work_event_;   // a register write that the core thread acts on
    sc_core::sc_event tx_event_;     // TX tail moved
    sc_core::sc_event_or_list wake_; // work_event_ or any port's arrival
};

}  // namespace bpfnic::sim::nic
