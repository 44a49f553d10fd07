// SPDX-License-Identifier: MIT
// Differential fuzzing of the JIT against the interpreter: the input selects a random valid
// program (first 8 bytes: generator seed; next byte: mode and feature switches; next: size), which
// runs on both engines with fresh state; any difference or a fault of the reference prints the
// program and both states and aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#include "tests/support/differential.h"
#include "tests/support/random_program.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bpfnic;
    using namespace bpfnic::testing;
    uint64_t seed = 0;
    std::memcpy(&seed, data, size < 8 ? size : 8);
    const uint8_t flags = size > 8 ? data[8] : 0;
    const uint8_t length = size > 9 ? data[9] : 24;
    RandomProgramOptions o;
    o.mode = flags & 1 ? RandomProgramOptions::Mode::Xdp : RandomProgramOptions::Mode::Raw;
    o.maps = !(flags & 2);
    o.helpers = !(flags & 4);
    o.local_calls = !(flags & 8);
    o.tail_calls = !(flags & 16);
    o.legacy_packet = !(flags & 32);
    o.packet_helpers = !(flags & 64);
    o.blocks = 4 + length % 60;
    const RandomProgram prog = generate_random_program(seed, o);
    Interpreter interp;
    JitEngine::Options jo;
    jo.use_bmi2 = !(flags & 128);
    JitEngine jit(jo);
    const DiffOutcome d = compare_engines(prog, interp, jit);
    if (d.reference_failed || !d.same) {
        std::fprintf(stderr, "%s\n", d.report.c_str());
        std::abort();
    }
    return 0;
}
