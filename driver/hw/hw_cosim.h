// SPDX-License-Identifier: MIT
// HwCosim: sim::Cosim implemented with the golden interpreter. The interpreter runs on its own
// copies of the run's inputs (maps copied from the live ones, a second XdpBuff or raw buffer), so
// the helper calls the device makes do not happen twice on the same state. Every retired
// instruction is compared after translating the interpreter's host pointers into device
// addresses (stack, context, packet frame, raw memory, map handles and map values).
#pragma once

#ifdef BPFNIC_HAVE_HW

#include <memory>
#include <string>
#include <vector>

#include "driver/interp.h"
#include "driver/hw/hw_map_memory.h"
#include "sim/cosim/cosim.h"

namespace bpfnic {

class HwCosim final : public sim::Cosim {
public:
    void load(const Object& obj, size_t entry, const Platform& platform);
    /// Copies the run's inputs and starts the interpreter; `raw_dev` is the device address of the
    /// raw memory (raw mode).
    void begin(const ExecEnv& env, uint64_t r1, uint64_t r2, MapSet& live_maps);

    bool step(const sim::RetireRecord& r) override;
    const std::vector<std::string>& get_errors() const override { return errors_; }
    uint64_t steps() const override { return steps_; }
    bool reference_finished() const { return interp_.finished(); }

private:
    enum class Kind { Exact, AnyValueOfMap };
    struct Canon {
        Kind kind;
        uint64_t v;  // Exact: device-equivalent value; AnyValueOfMap: map index
    };
    Canon canon(uint64_t host) const;
    bool same(uint64_t host, uint64_t dev) const;
    std::string describe(const Retired& ref, const sim::RetireRecord& r) const;

    Interpreter interp_;
    std::unique_ptr<MapSet> shadow_maps_;
    XdpBuff shadow_xdp_;
    ExecEnv shadow_env_;
    std::vector<uint8_t> shadow_raw_;
    bool xdp_mode_ = false;
    std::vector<std::string> errors_;
    uint64_t steps_ = 0;
};

/// Makes `to` hold the same entries as `from` (maps of one definition).
void copy_map_contents(Map& from, Map& to);

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
