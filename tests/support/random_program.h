// SPDX-License-Identifier: MIT
// A random generator of valid, terminating eBPF programs for differential testing of engines.
// Programs cover every instruction class (ALU/ALU64 incl. division, movsx, byte swaps; lddw;
// loads incl. sign-extending; stores; atomics; conditional and unconditional jumps, JMP32;
// legacy packet loads; helper calls, callx, bpf-to-bpf calls and tail calls) and use maps
// (lddw map references and direct global-data pointers; lookups with null checks on ARRAY,
// PERCPU_ARRAY and HASH maps; updates; deletes) and, in XDP mode, packet
// access guarded by bounds checks against data_end. All jumps go forward, so every program ends.
//
// What a generated program never does, so that any two correct engines agree on its result: read a
// register or stack byte it did not write, put a pointer into a value that can reach r0, memory or
// a map (pointer values differ between runs on fresh copies), or access memory out of bounds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/maps.h"

namespace bpfnic::testing {

struct RandomProgramOptions {
    enum class Mode : uint8_t {
        Raw,  ///< r1 = memory, r2 = its length (the conformance calling convention)
        Xdp,  ///< r1 = struct xdp_md of a packet
    };
    Mode mode = Mode::Raw;
    uint32_t blocks = 24;        ///< top-level statement blocks of the main program
    uint32_t max_nesting = 3;    ///< nested jump regions and map-value bodies
    bool maps = true;            ///< map lookups, updates, deletes
    bool helpers = true;         ///< plain helpers (time, random, cpu id, csum_diff) and callx
    bool local_calls = true;     ///< bpf-to-bpf subprograms
    bool tail_calls = true;      ///< a second program reached through a prog array
    bool legacy_packet = true;   ///< ld_abs / ld_ind
    bool packet_helpers = true;  ///< XDP: adjust_head/tail, load_bytes, redirect
};

struct RandomProgram {
    RandomProgramOptions::Mode mode = RandomProgramOptions::Mode::Raw;
    Object object;               ///< programs[0] is the entry; maps are declared here
    std::vector<uint8_t> input;  ///< raw mode: the memory; XDP: the packet
    uint64_t seed = 0;

    /// Applies the map contents every run starts from (prog array slots, some hash entries). Call
    /// on each fresh MapSet built from object.maps.
    void prepare_maps(MapSet& maps) const;
};

/// Deterministic in (seed, opts). The result passes validate() and runs on the software XDP
/// platform (software_xdp_platform()) in the mode it was made for.
RandomProgram generate_random_program(uint64_t seed, const RandomProgramOptions& opts = {});

}  // namespace bpfnic::testing
