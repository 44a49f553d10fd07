// SPDX-License-Identifier: MIT
// Runs an IO module on the multi-core device (sim/multicore.h) with the driver's map and helper
// unit models, and the same packets on the interpreter, so the scaling benchmark and its test can
// compare the two: verdicts, output frames and the final contents of every map.
#pragma once

#ifdef BPFNIC_HAVE_HW

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/maps.h"
#include "driver/traffic/generator.h"
#include "sim/multicore.h"

namespace bpfnic::bench {

/// What a set of packets produced on one engine.
struct PacketResults {
    std::vector<uint32_t> verdicts;              ///< r0 (low 32 bits) per packet; aborted: ~0u
    std::vector<std::vector<uint8_t>> frames;    ///< the frame after the program, per packet
};

struct MultiCoreRun {
    sim::MultiCoreResult result;
    PacketResults packets;
    unsigned bundles = 0;                        ///< of the compiled program
};

/// The first XDP program of an object; throws Error(NotFound) when it has none.
size_t xdp_entry(const Object& obj);

/// Compiles obj.programs[entry] for cfg.lanes and runs `traffic` through a multi-core device whose
/// cores share `maps` (one store behind the device's arbiter). Flow keys are the generator's flow
/// indices. Every core's helper environment starts with the same deterministic sources.
MultiCoreRun run_multicore(const Object& obj, size_t entry, MapSet& maps, const std::vector<GeneratedPacket>& traffic,
                           const sim::MultiCoreConfig& cfg);

/// The same packets, one after another, on the interpreter with `maps`.
PacketResults run_interpreter(const Object& obj, size_t entry, MapSet& maps, const std::vector<GeneratedPacket>& traffic);

/// Every map's keys and values (host copies, in key order) compared; "" when equal, else the first
/// difference (map name and key in hex).
std::string compare_maps(MapSet& a, MapSet& b);

/// The first packet whose verdict or frame differs ("" when none).
std::string compare_packets(const PacketResults& a, const PacketResults& b);

}  // namespace bpfnic::bench

#endif  // BPFNIC_HAVE_HW
