// SPDX-License-Identifier: MIT
// The co-simulation interface (after ibex dv/cosim/cosim.h), in plain C++ so that sim/ never
// depends on the reference model's code: driver/hw implements it with the interpreter.
//
// Protocol, per packet:
//   1. The harness prepares the device (program, packet, context, maps) and calls begin() with the
//      same inputs on the reference side (the implementation owns the reference's copy of them).
//   2. For every instruction the core retires (retire-trace port, lane order within a bundle) the
//      harness calls step(). The reference executes its next instruction and compares:
//        - pc and the instruction word;
//        - the destination register number and value;
//        - for memory accesses: direction, width, address and value loaded or stored;
//        - that both sides end the program on the same instruction.
//      Addresses and pointer values differ between the reference (host memory) and the device
//      (its address map), so the implementation compares them region-relative: it translates
//      every reference pointer into the device address of the same byte (see docs/hardware.md).
//      step() returns false at the first mismatch, after recording a message that prints both
//      states; the harness then stops the run.
//   3. get_errors() returns every message recorded since begin().
#pragma once

#include <string>
#include <vector>

#include "sim/retire.h"

namespace bpfnic::sim {

class Cosim {
public:
    virtual ~Cosim() = default;
    /// Compares one retired instruction with the reference's next one; false on a mismatch.
    virtual bool step(const RetireRecord& r) = 0;
    /// Every mismatch (and reference fault) recorded since the packet began.
    virtual const std::vector<std::string>& get_errors() const = 0;
    /// Instructions compared since the packet began.
    virtual uint64_t steps() const = 0;
};

/// The retire sink that feeds a Cosim and stops the run at the first divergence.
class CosimChecker final : public RetireSink {
public:
    explicit CosimChecker(Cosim& c) : cosim_(c) {}
    bool on_retire(const RetireRecord& r) override { return cosim_.step(r); }

private:
    Cosim& cosim_;
};

}  // namespace bpfnic::sim
