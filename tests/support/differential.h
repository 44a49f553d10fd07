// SPDX-License-Identifier: MIT
// Differential execution of one program on two engines: each run gets fresh maps (prepared the
// same way) and a fresh copy of the input; r0, errors, memory or packet bytes, packet metadata,
// redirect target, trace output and every map's contents are compared. On a mismatch the report
// holds the program's disassembly and both final states. Used by tests and the libFuzzer target.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "driver/engine.h"
#include "tests/support/random_program.h"

namespace bpfnic::testing {

using MapContents = std::map<std::vector<uint8_t>, std::vector<uint8_t>>;

/// Everything one run produced that another engine must reproduce.
struct RunState {
    uint64_t r0 = 0;
    std::string error;             ///< what the engine threw ("" when it returned)
    std::vector<uint8_t> memory;   ///< raw mode: the memory afterwards; XDP: the packet afterwards
    std::vector<uint8_t> meta;     ///< XDP: the metadata area
    RedirectTarget redirect;
    std::vector<std::string> trace;
    std::vector<MapContents> maps;  ///< per map

    bool operator==(const RunState&) const = default;
};

/// A map's contents through the host interface (key -> host value copy); prog arrays are empty.
MapContents map_contents(Map& m);

/// Loads (on software_xdp_platform()) and runs the program on engine with fresh maps and input.
RunState run_program(Engine& engine, const RandomProgram& prog);

/// Text of a state, maps and memory in hex.
std::string describe(const RunState& s);

/// One instruction a line with its slot index (disassembly), per program of the object.
std::string listing(const Object& obj);

struct DiffOutcome {
    bool same = false;
    bool reference_failed = false;  ///< the reference engine faulted: the program itself is bad
    std::string report;             ///< on a difference: program listing and both states
};

/// Runs prog on reference and candidate and compares.
DiffOutcome compare_engines(const RandomProgram& prog, Engine& reference, Engine& candidate);

}  // namespace bpfnic::testing
