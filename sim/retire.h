// SPDX-License-Identifier: MIT
// One retired instruction as the core's retire-trace port reports it, and the interface of
// everything that consumes the retire stream (tracer, co-simulation checker).
#pragma once

#include <cstdint>

namespace bpfnic::sim {

struct RetireRecord {
    uint32_t lane = 0;
    uint32_t pc = 0;          ///< bundle address (plain eBPF: the instruction's slot index)
    uint64_t insn = 0;        ///< the 64-bit slot, little-endian struct bpf_insn layout
    int dst_reg = -1;         ///< register written, or -1
    uint64_t dst_value = 0;
    bool mem = false;         ///< a load, store or atomic happened (lane 0)
    bool mem_write = false;
    uint64_t mem_addr = 0;    ///< device address
    uint64_t mem_value = 0;   ///< value loaded (extended) or stored
    uint8_t mem_width = 0;    ///< bytes
    uint8_t trap = 0;         ///< trap cause (0: none); the instruction did not complete
    bool exited = false;      ///< the program ended with this instruction
};

/// Receives every retired instruction in program order (lanes of a bundle in lane order).
class RetireSink {
public:
    virtual ~RetireSink() = default;
    /// Returns false to stop the run (the first divergence of a checker).
    virtual bool on_retire(const RetireRecord& r) = 0;
};

/// Trap causes of bpfnic_pkg::trap_e.
const char* trap_name(unsigned cause);

}  // namespace bpfnic::sim
