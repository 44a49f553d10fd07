// SPDX-License-Identifier: MIT
// Compiler plus RTL against the interpreter: a fixed-seed sample of generated programs (raw and
// XDP mode; every class the hardware runs: ALU incl. division, loads and stores, atomics, jumps,
// helpers, map lookups/updates/deletes, bpf-to-bpf calls, packet access) compiled into bundles and
// run on the simulated core, compared in full (r0, memory/packet, metadata, redirect, maps).
// A mismatch prints the program listing and both states.
#include <gtest/gtest.h>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/hw/hw_engine.h"
#include "driver/interp.h"
#include "sim/core_model.h"
#include "tests/support/differential.h"
#include "tests/support/random_program.h"

namespace bpfnic::testing {
namespace {

using Mode = RandomProgramOptions::Mode;

void run_sample(Mode mode, unsigned lanes, uint64_t first_seed, uint64_t count) {
    int compared = 0, refused = 0;
    for (uint64_t seed = first_seed; seed < first_seed + count; ++seed) {
        RandomProgramOptions o;
        o.mode = mode;
        o.tail_calls = false;     // no prog_array in the map unit
        o.legacy_packet = false;  // no ld_abs/ld_ind in hardware
        o.blocks = 12;
        const RandomProgram prog = generate_random_program(seed, o);
        Interpreter interp;
        HwEngine::Options ho;
        ho.lanes = lanes;
        ho.max_cycles = 5'000'000;
        HwEngine hw(ho);
        try {
            // The hardware platform declines callx and helpers it has no unit for: at load time.
            compile_for_device(prog.object, 0, software_xdp_platform(), lanes);
        } catch (const Error& e) {
            ASSERT_EQ(e.kind(), ErrorKind::Unsupported) << e.what();
            ++refused;
            continue;
        }
        const DiffOutcome d = compare_engines(prog, interp, hw);
        ASSERT_FALSE(d.reference_failed) << d.report;
        ASSERT_TRUE(d.same) << "seed " << seed << " on " << lanes << " lane(s)\n" << d.report;
        ++compared;
    }
    std::cout << "[ rtl      ] compiled on " << lanes << " lane(s): " << compared << " programs compared, " << refused
              << " declined at load\n";
    EXPECT_GT(compared, static_cast<int>(count) / 3);
}

TEST(RtlCompiledDifferential, RawModeEveryLaneConfig) {
    for (unsigned lanes : sim::available_lane_configs()) run_sample(Mode::Raw, lanes, 5000, 250);
}

TEST(RtlCompiledDifferential, XdpModeEveryLaneConfig) {
    for (unsigned lanes : sim::available_lane_configs()) run_sample(Mode::Xdp, lanes, 6000, 250);
}

}  // namespace
}  // namespace bpfnic::testing
