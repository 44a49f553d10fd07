// SPDX-License-Identifier: MIT
// CrossCheck: every packet through the interpreter (the reference) and every other target (the
// card, the JIT), comparing verdict, packet length, output bytes, redirect target and the digest
// of every map after the packet. Mismatches are counted; for the first one the report keeps the
// packet, both results, and the first diverging instruction, found by re-running that packet on
// the hw engine with co-simulation on (each retired instruction checked against the interpreter)
// from the maps as they were before the packet.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/api/target.h"
#include "driver/bpfnic.h"

namespace bpfnic::api {

class CrossCheck {
public:
    /// `reference` (an interpreter target) must outlive this object.
    /// `lanes`: the card's core configuration (the compiled re-run uses it).
    CrossCheck(const Object& obj, size_t entry, EngineTarget& reference, unsigned lanes = 4);
    ~CrossCheck();

    /// Runs the packet on the reference and on each of `others`; returns the outcome of others[0]
    /// (or of the reference when there are none).
    PacketOutcome run(const std::vector<uint8_t>& packet, const std::vector<Target*>& others);

    const bpfnic_xcheck_report& report() const { return report_; }
    /// The reference's outcome of the last packet (its instruction count and time included).
    const PacketOutcome& last_reference() const { return last_reference_; }
    /// Continues the counts of an earlier cross-check (the program before a swap).
    void continue_from(const bpfnic_xcheck_report& earlier);

private:
    void snapshot();
    bool compare(Target& t, const PacketOutcome& ref, const std::vector<uint64_t>& ref_maps, const PacketOutcome& got,
                 const std::vector<uint64_t>& got_maps, std::string& what);
    std::string find_divergence(const std::vector<uint8_t>& packet, const PacketOutcome& ref,
                                const std::vector<uint64_t>& ref_maps);
    /// Re-runs the packet on the hw engine with the program compiled for `lanes` (no
    /// co-simulation): does the compiled program alone reproduce the difference?
    std::string compiled_rerun(const std::vector<uint8_t>& packet, const PacketOutcome& ref,
                               const std::vector<uint64_t>& ref_maps);

    const Object& obj_;
    size_t entry_;
    EngineTarget& ref_;
    unsigned lanes_;
    bool can_snapshot_ = true;
    // The reference's maps and deterministic sources before the current packet.
    std::unique_ptr<MapSet> before_maps_;
    ExecEnv before_env_;
    bpfnic_xcheck_report report_;
    PacketOutcome last_reference_;
};

}  // namespace bpfnic::api
