// SPDX-License-Identifier: MIT
// HwEngine: the driver's engine interface over the simulated bpfnic core (Verilated RTL). Programs
// are compiled into VLIW bundles (compiler/passes), or run one instruction per bundle (lane 0, the
// other lanes NOPs) when compilation is off or the co-simulation checker is on. Map references
// are relocated at load time into device values: map handles (small integers) and addresses in
// the map region, served by the map unit model; helpers are served by the helper unit model.
#pragma once

#ifdef BPFNIC_HAVE_HW

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "driver/engine.h"
#include "driver/hw/hw_compile.h"
#include "driver/hw/hw_cosim.h"
#include "driver/hw/hw_helpers.h"
#include "driver/hw/hw_map_memory.h"
#include "sim/device.h"

namespace bpfnic {

class HwEngine final : public Engine {
public:
    struct Options {
        unsigned lanes = 1;            ///< a built configuration (sim::available_lane_configs())
        bool cosim = false;            ///< check every retired instruction against the interpreter
        uint64_t max_cycles = 0;       ///< per packet (0: the device default)
        std::ostream* trace = nullptr; ///< retire trace CSV
        /// Compile the program into bundles (compiler/passes); off, or with cosim on (which checks
        /// instruction by instruction), one instruction per bundle in lane 0.
        bool compile = true;
    };
    HwEngine() : HwEngine(Options{}) {}
    explicit HwEngine(Options o);
    ~HwEngine() override;

    const char* name() const override { return "hw"; }
    void load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) override;
    uint64_t run(ExecEnv& env, uint64_t r1, uint64_t r2) override;
    RunStats last_stats() const override { return stats_; }

    const sim::PerfCounters& last_counters() const { return counters_; }
    /// The compilation of the loaded program (null when it runs one instruction per bundle).
    const CompileResult* compiled() const { return compiled_ ? &*compiled_ : nullptr; }
    sim::Device& device() { return *dev_; }
    /// Instructions the checker compared in the last run (cosim on).
    uint64_t cosim_steps() const { return cosim_ ? cosim_->steps() : 0; }

    /// The device slots of a program: one instruction per bundle, lddw map references relocated.
    static std::vector<uint64_t> bundle_program(const Program& prog, unsigned lanes, const MapSet& maps,
                                                const Platform& platform, const HelperTable& helpers);

private:
    Options opts_;
    std::unique_ptr<sim::Device> dev_;
    HwMapMemory map_mem_;
    HwHelperUnit helper_unit_{map_mem_};
    std::unique_ptr<HwCosim> cosim_;
    std::unique_ptr<sim::RetireSink> checker_;
    std::unique_ptr<sim::RetireSink> tracer_;
    MapSet* maps_ = nullptr;
    bool loaded_ = false;
    RunStats stats_;
    sim::PerfCounters counters_;
    std::optional<CompileResult> compiled_;
};

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
