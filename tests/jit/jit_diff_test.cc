// SPDX-License-Identifier: MIT
// Random differential testing: a fixed-seed sample of generated programs (raw and XDP mode) on the
// interpreter and the JIT, compared in full (r0, memory/packet, metadata, redirect, maps). A
// mismatch prints the program listing and both states.
#include <gtest/gtest.h>

#include "compiler/isa.h"
#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#include "tests/support/differential.h"
#include "tests/support/random_program.h"

namespace bpfnic::testing {
namespace {

using Mode = RandomProgramOptions::Mode;

TEST(RandomProgram, GeneratesValidDeterministicPrograms) {
    for (Mode mode : {Mode::Raw, Mode::Xdp}) {
        for (uint64_t seed = 0; seed < 50; ++seed) {
            RandomProgramOptions o;
            o.mode = mode;
            const RandomProgram a = generate_random_program(seed, o);
            const RandomProgram b = generate_random_program(seed, o);
            ASSERT_EQ(a.object.programs.size(), 2u);
            for (size_t i = 0; i < a.object.programs.size(); ++i) {
                const auto problems = validate(a.object.programs[i].insns);
                EXPECT_TRUE(problems.empty()) << "seed " << seed << ": " << problems.front() << "\n"
                                              << listing(a.object);
                EXPECT_EQ(a.object.programs[i].insns, b.object.programs[i].insns);
            }
        }
    }
}

// Every instruction class appears across a small sample.
TEST(RandomProgram, CoversEveryInstructionClass) {
    bool seen[8] = {};
    bool atomic = false, legacy = false, callx = false, local = false, sx = false;
    for (uint64_t seed = 0; seed < 40; ++seed) {
        RandomProgramOptions o;
        o.mode = seed % 2 ? Mode::Xdp : Mode::Raw;
        for (const Program& p : generate_random_program(seed, o).object.programs)
            for (const RawInsn& i : p.insns) {
                seen[op::cls(i.opcode)] = true;
                atomic |= op::cls(i.opcode) == op::kClsStx && op::mem_mode(i.opcode) == op::kModeAtomic;
                legacy |= op::cls(i.opcode) == op::kClsLd && op::mem_mode(i.opcode) != op::kModeImm;
                callx |= i.opcode == (op::kClsJmp | op::kCall | op::kSrcX);
                local |= i.opcode == (op::kClsJmp | op::kCall) && i.src == op::kCallLocal;
                sx |= op::cls(i.opcode) == op::kClsLdx && op::mem_mode(i.opcode) == op::kModeMemSx;
            }
    }
    for (int c = 0; c < 8; ++c) EXPECT_TRUE(seen[c]) << "class " << c;
    EXPECT_TRUE(atomic);
    EXPECT_TRUE(legacy);
    EXPECT_TRUE(callx);
    EXPECT_TRUE(local);
    EXPECT_TRUE(sx);
}

void run_sample(Mode mode, uint64_t first_seed, uint64_t count, bool bmi2) {
    int compared = 0;
    for (uint64_t seed = first_seed; seed < first_seed + count; ++seed) {
        RandomProgramOptions o;
        o.mode = mode;
        const RandomProgram prog = generate_random_program(seed, o);
        Interpreter interp;
        JitEngine::Options jo;
        jo.use_bmi2 = bmi2;
        JitEngine jit(jo);
        const DiffOutcome d = compare_engines(prog, interp, jit);
        ASSERT_FALSE(d.reference_failed) << d.report;
        ASSERT_TRUE(d.same) << d.report;
        ++compared;
    }
    EXPECT_EQ(compared, static_cast<int>(count));
}

TEST(JitDifferential, RawModeSample) { run_sample(Mode::Raw, 1000, 400, true); }
TEST(JitDifferential, XdpModeSample) { run_sample(Mode::Xdp, 2000, 400, true); }
TEST(JitDifferential, RawModeWithoutBmi2) { run_sample(Mode::Raw, 3000, 150, false); }

}  // namespace
}  // namespace bpfnic::testing

namespace bpfnic::testing {
namespace {

// The sample is only worth something if programs run long enough: most must execute a good share
// of their instructions rather than leave early through a failed check.
TEST(RandomProgram, ProgramsRunDeep) {
    for (Mode mode : {Mode::Raw, Mode::Xdp}) {
        uint64_t executed = 0, slots = 0;
        for (uint64_t seed = 0; seed < 100; ++seed) {
            RandomProgramOptions o;
            o.mode = mode;
            const RandomProgram prog = generate_random_program(seed, o);
            Interpreter interp;
            const RunState s = run_program(interp, prog);
            ASSERT_TRUE(s.error.empty()) << s.error;
            executed += interp.last_stats().insns;
            slots += prog.object.programs[0].insns.size();
        }
        std::cout << (mode == Mode::Raw ? "raw" : "xdp") << ": " << executed / 100 << " instructions executed per run, "
                  << slots / 100 << " slots in main\n";
        EXPECT_GT(executed * 4, slots) << "programs end too early";
    }
}

}  // namespace
}  // namespace bpfnic::testing
