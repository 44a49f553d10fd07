// SPDX-License-Identifier: MIT
// The JIT's run path: the entry trampoline in each of its shapes (entered by a jump, with and
// without frame 0, odd and even numbers of saved registers, with bpf-to-bpf calls) keeps rsp
// 16-byte aligned at helper calls and starts registers at zero; a fault leaves the engine ready
// for the next run; the instruction fusions (mov+add into lea, byte pairs into a 16-bit load)
// are exact in every register arrangement and never fuse across a jump target.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/asm.h"
#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/interp.h"
#include "driver/jit/jit_compiler.h"
#include "driver/jit/jit_engine.h"
#include "driver/test_run.h"

namespace bpfnic {
namespace {

Object object_of(const std::string& text) {
    Object obj;
    obj.path = "run_path.o";
    Program p;
    p.name = "prog";
    p.insns = assemble(text);
    obj.programs.push_back(std::move(p));
    return obj;
}

// Helper 1 of the probe table: the misalignment of its own frame. A function that takes
// __builtin_frame_address keeps a frame pointer, which is 16-byte aligned exactly when its
// caller called it with rsp 16-byte aligned, as the SysV ABI requires.
__attribute__((noinline)) uint64_t frame_misalignment(ExecEnv*, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) % 16;
}

// Runs text compiled with a helper table whose helper 1 is the alignment probe; r0 is what the
// program returns (the probe's answer, added up where it calls the probe several times).
uint64_t run_with_probe(const std::string& text) {
    HelperTable probe;
    probe.set(1, frame_misalignment);
    const Object obj = object_of(text);
    MapSet maps;
    const jit::CompiledObject c =
        jit::compile_object(obj, 0, maps, conformance_platform(), probe, jit::CompileOptions{});
    ExecEnv env;
    env.maps = &maps;
    env.num_programs = 1;
    std::exception_ptr pending;
    jit::JitCtx ctx;
    ctx.env = &env;
    ctx.pending = &pending;
    std::vector<uint8_t> mem(16);
    ctx.raw_mem = reinterpret_cast<uint64_t>(mem.data());
    ctx.raw_len = mem.size();
    const uint64_t r0 = c.trampoline(&ctx, ctx.raw_mem, ctx.raw_len);
    EXPECT_EQ(ctx.fault, 0);
    return r0;
}

TEST(JitRunPath, HelperCallsSeeAnAlignedStackInEveryTrampolineShape) {
    // Saved: r12 only (odd: padded).
    EXPECT_EQ(run_with_probe("call 1\nexit\n"), 0u);
    // r12 and rbx (even).
    EXPECT_EQ(run_with_probe("mov %r6, 1\ncall 1\nadd %r0, %r6\nsub %r0, 1\nexit\n"), 0u);
    // r12, rbx, r13 (odd).
    EXPECT_EQ(run_with_probe("mov %r6, 1\nmov %r7, 2\ncall 1\nadd %r0, %r6\nadd %r0, %r7\nsub %r0, 3\nexit\n"), 0u);
    // r12 and rbp with frame 0 (even).
    EXPECT_EQ(run_with_probe("stxdw [%r10-8], %r1\ncall 1\nexit\n"), 0u);
    // Everything: r6..r10 and the context.
    EXPECT_EQ(run_with_probe("mov %r6, 0\nmov %r7, 0\nmov %r8, 0\nmov %r9, 0\nstxdw [%r10-8], %r6\n"
                             "call 1\nadd %r0, %r6\nadd %r0, %r7\nadd %r0, %r8\nadd %r0, %r9\nexit\n"),
              0u);
    // Inside a bpf-to-bpf call, two levels deep.
    EXPECT_EQ(run_with_probe("call local f\nexit\nf:\ncall local g\nmov %r6, %r0\ncall 1\nadd %r0, %r6\nexit\n"
                             "g:\ncall 1\nexit\n"),
              0u);
}

struct Outcome {
    uint64_t r0 = 0;
    bool failed = false;
    std::string message;
};

Outcome run_raw(Engine& e, std::vector<uint8_t> mem) {
    ExecEnv env;
    Outcome o;
    try {
        o.r0 = test_run_raw(e, env, mem);
    } catch (const Error& ex) {
        o.failed = true;
        o.message = ex.what();
    }
    return o;
}

// Loads text on the interpreter and the JIT (conformance platform: raw memory in r1/r2).
struct Pair {
    MapSet maps_i, maps_j;
    Interpreter interp;
    JitEngine jit;
    explicit Pair(const std::string& text) {
        const Object obj = object_of(text);
        interp.load(obj, 0, maps_i, conformance_platform());
        jit.load(obj, 0, maps_j, conformance_platform());
    }
    Outcome check(const std::vector<uint8_t>& mem) {
        const Outcome a = run_raw(interp, mem), b = run_raw(jit, mem);
        EXPECT_EQ(a.failed, b.failed) << "interp: " << a.message << "\njit: " << b.message;
        if (!a.failed && !b.failed) {
            EXPECT_EQ(a.r0, b.r0);
        }
        return b;
    }
};

TEST(JitRunPath, ProgramsWithoutCallsOrCalleeSavedRegistersRun) {
    Pair p("mov %r0, 7\nexit\n");
    EXPECT_EQ(p.check({0}).r0, 7u);
    Pair q("ldxb %r0, [%r1]\nadd %r0, %r2\nexit\n");  // r1, r2: arguments
    EXPECT_EQ(q.check({5, 0, 0, 0}).r0, 9u);
}

TEST(JitRunPath, RegistersStartAtZeroOnEveryRun) {
    // r3..r9 are read before any write: zero, run after run, whatever the previous run left.
    Pair p("mov %r0, %r3\nor %r0, %r4\nor %r0, %r5\nor %r0, %r6\nor %r0, %r7\nor %r0, %r8\nor %r0, %r9\n"
           "mov %r3, -1\nmov %r4, -1\nmov %r5, -1\nmov %r6, -1\nmov %r7, -1\nmov %r8, -1\nmov %r9, -1\nexit\n");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(p.check({0}).r0, 0u);
}

TEST(JitRunPath, HelpersSeeZeroInArgumentRegistersTheProgramNeverSet) {
    // csum_diff(from = 0, from_size = 0, to = r3, to_size = r4, seed = r5): r3..r5 are never
    // named, so both engines must pass zero (a stale native register would be read as a pointer
    // and a size). Raw mode on the XDP platform: r1 and r2 are overwritten first.
    const Object obj = object_of("mov %r1, 0\nmov %r2, 0\ncall 28\nexit\n");
    MapSet maps_i, maps_j;
    Interpreter interp;
    JitEngine jit;
    interp.load(obj, 0, maps_i, software_xdp_platform());
    jit.load(obj, 0, maps_j, software_xdp_platform());
    for (int i = 0; i < 3; ++i) {
        const Outcome a = run_raw(interp, {1, 2, 3, 4}), b = run_raw(jit, {1, 2, 3, 4});
        ASSERT_FALSE(a.failed) << a.message;
        ASSERT_FALSE(b.failed) << b.message;
        EXPECT_EQ(a.r0, b.r0);
    }
}

TEST(JitRunPath, AFaultLeavesTheEngineReadyForTheNextRun) {
    // Memory byte 0 non-zero: callx of an id that names no helper (a fault); zero: r0 = 7.
    Pair p("ldxb %r2, [%r1]\njeq %r2, 0, ok\ncallx %r2\nok:\nmov %r0, 7\nexit\n");
    const Outcome bad = p.check({200});
    EXPECT_TRUE(bad.failed);
    EXPECT_NE(bad.message.find("callx"), std::string::npos) << bad.message;
    const Outcome good = p.check({0});
    EXPECT_FALSE(good.failed) << good.message;
    EXPECT_EQ(good.r0, 7u);
    EXPECT_TRUE(p.check({201}).failed);
}

TEST(JitRunPath, MovAddPairsAreExact) {
    // r0 = r1 + k and r0 = r1 - k, with k at the imm32 extremes (a 64-bit add of the
    // sign-extended immediate), and mov+add on one register.
    for (const char* k : {"1", "-1", "2147483647", "-2147483648"}) {
        Pair add(std::string("mov %r0, %r1\nadd %r0, ") + k + "\nsub %r0, %r1\nexit\n");
        add.check({0});
        Pair sub(std::string("mov %r0, %r1\nsub %r0, ") + k + "\nsub %r0, %r1\nexit\n");
        sub.check({0});
    }
    Pair self("mov %r1, %r1\nadd %r1, 3\nldxb %r0, [%r1]\nexit\n");
    EXPECT_EQ(self.check({0, 0, 0, 42}).r0, 42u);
    // A 32-bit add is not fused (it truncates).
    Pair narrow("lddw %r0, 0x100000000\nmov %r3, %r0\nadd32 %r3, 1\nmov %r0, %r3\nexit\n");
    EXPECT_EQ(narrow.check({0}).r0, 1u);
}

TEST(JitRunPath, NoPairIsFusedAcrossAJumpTarget) {
    // The add is a jump target: arriving by the jump, r0 must be r3 + 5, not r1 + 5. Both paths
    // hold r1 plus a constant in r3, so r0 does not depend on where the memory is (the two
    // engines' runs get different buffers).
    Pair p("ldxb %r4, [%r1]\nmov %r3, %r1\nadd %r3, 1000\njeq %r4, 1, add\nmov %r3, %r1\nadd:\nadd %r3, 5\n"
           "mov %r0, %r3\nsub %r0, %r1\nexit\n");
    const Outcome jumped = p.check({1});
    const Outcome fell = p.check({0});
    EXPECT_EQ(fell.r0, 5u);
    EXPECT_EQ(jumped.r0, 1005u);
}

TEST(JitRunPath, MovAddRegisterPairsAreExact) {
    // rX = rY; rX += rZ with every aliasing among X, Y, Z; the result mixes in the memory bytes so
    // a wrong operand shows.
    const char* pre = "ldxb %r3, [%r1]\nldxb %r4, [%r1+1]\n";
    for (const char* body : {"mov %r0, %r3\nadd %r0, %r4\n", "mov %r0, %r3\nadd %r0, %r0\n",
                             "mov %r0, %r3\nadd %r0, %r3\n", "mov %r0, %r0\nadd %r0, %r4\n",
                             "mov %r3, %r3\nadd %r3, %r3\nmov %r0, %r3\n", "mov %r0, %r3\nsub %r0, %r4\n"}) {
        Pair p(std::string(pre) + body + "exit\n");
        p.check({7, 100});
        p.check({250, 3});
    }
}

TEST(JitRunPath, BytePairLoadsAreExact) {
    // Both orders, the or and the shift in 32 and 64 bits, the low byte's register live after
    // the sequence, and a destination that is the base register.
    const std::vector<uint8_t> mem = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};
    const char* programs[] = {
        // high byte first
        "ldxb %r0, [%r1+3]\nlsh %r0, 8\nldxb %r2, [%r1+2]\nor %r0, %r2\nlsh %r2, 32\nor %r0, %r2\nexit\n",
        "ldxb %r0, [%r1+1]\nlsh32 %r0, 8\nldxb %r2, [%r1]\nor32 %r0, %r2\nexit\n",
        // low byte first
        "ldxb %r2, [%r1+4]\nldxb %r0, [%r1+5]\nlsh %r0, 8\nor %r0, %r2\nlsh %r2, 20\nadd %r0, %r2\nexit\n",
        // the low byte lands in the base register (high first), the high byte in it (low first)
        "mov %r3, %r1\nldxb %r0, [%r3+1]\nlsh %r0, 8\nldxb %r3, [%r3]\nor %r0, %r3\nlsh %r3, 16\nor %r0, %r3\nexit\n",
        "mov %r3, %r1\nldxb %r2, [%r3+2]\nldxb %r3, [%r3+3]\nlsh %r3, 8\nor %r3, %r2\nmov %r0, %r3\nexit\n",
        // not a pair: the high byte's register is the base (its reload would read elsewhere)
        "mov %r3, %r1\nldxb %r3, [%r3+1]\nlsh %r3, 8\nldxb %r2, [%r1]\nor %r3, %r2\nmov %r0, %r3\nexit\n",
        // not a pair: offsets not adjacent, shift not 8, sign-extending load
        "ldxb %r0, [%r1+3]\nlsh %r0, 8\nldxb %r2, [%r1+1]\nor %r0, %r2\nexit\n",
        "ldxb %r0, [%r1+1]\nlsh %r0, 16\nldxb %r2, [%r1]\nor %r0, %r2\nexit\n",
        "ldxsb %r0, [%r1+5]\nlsh %r0, 8\nldxb %r2, [%r1+4]\nor %r0, %r2\nexit\n",
    };
    for (const char* text : programs) {
        SCOPED_TRACE(text);
        Pair p(text);
        p.check(mem);
    }
    // A jump into the middle of the sequence: no fusion, both paths exact.
    Pair j("ldxb %r2, [%r1]\nmov %r0, 1\njeq %r2, 0x12, mid\nldxb %r0, [%r1+1]\nmid:\nlsh %r0, 8\n"
           "ldxb %r2, [%r1]\nor %r0, %r2\nexit\n");
    EXPECT_EQ(j.check(mem).r0, 0x112u);
    EXPECT_EQ(j.check({0, 0x34}).r0, 0x3400u);
}

TEST(JitRunPath, ByteCopyRunsAreExact) {
    // Byte copies through one register, as clang lowers an unaligned memcpy (here the MAC swap's
    // copy of bytes 0..5 to 6..11, in its order), followed by reads of every byte and of the
    // temporary; then runs the fusion must refuse: overlapping ranges, a gap, a repeated offset,
    // a change of temporary or distance, a jump into the run.
    std::vector<uint8_t> mem(32);
    for (size_t i = 0; i < mem.size(); ++i) mem[i] = static_cast<uint8_t>(0x11 * (i + 1));
    auto copy = [](const std::vector<std::pair<int, int>>& moves, const char* tmp = "%r3") {
        std::string t;
        for (auto [from, to] : moves)
            t += std::string("ldxb ") + tmp + ", [%r1+" + std::to_string(from) + "]\nstxb [%r1+" + std::to_string(to) +
                 "], " + tmp + "\n";
        return t;
    };
    // r0 = a checksum of bytes 0..15 and the temporary.
    const std::string sum =
        "mov %r0, %r3\nldxdw %r4, [%r1]\nxor %r0, %r4\nldxdw %r4, [%r1+8]\nlsh %r4, 1\nxor %r0, %r4\nexit\n";
    const std::vector<std::string> programs = {
        copy({{2, 8}, {3, 9}, {0, 6}, {1, 7}, {4, 10}, {5, 11}}) + sum,
        copy({{0, 8}, {1, 9}, {2, 10}, {3, 11}, {4, 12}, {5, 13}, {6, 14}}) + sum,  // 4 + 2 + 1
        copy({{8, 0}, {9, 1}, {10, 2}, {11, 3}}) + sum,                             // backwards
        copy({{0, 2}, {1, 3}, {2, 4}, {3, 5}}) + sum,                               // overlapping
        copy({{0, 8}, {1, 9}, {3, 11}, {4, 12}}) + sum,                             // a gap
        copy({{0, 8}, {1, 9}, {1, 9}, {2, 10}}) + sum,                              // repeated
        copy({{0, 8}, {1, 9}}) + copy({{2, 10}, {3, 11}}, "%r5") + sum,             // two temporaries
        copy({{0, 8}, {1, 9}, {2, 11}, {3, 12}}) + sum,                             // two distances
    };
    for (const std::string& text : programs) {
        SCOPED_TRACE(text);
        Pair p(text);
        p.check(mem);
    }
    // A jump into the middle of a run: both paths exact.
    Pair j("ldxb %r5, [%r1+20]\nmov %r3, 0\njeq %r5, 0, mid\n" + copy({{0, 8}, {1, 9}}) + "mid:\n" +
           copy({{2, 10}, {3, 11}, {4, 12}, {5, 13}}) + sum);
    j.check(mem);
    std::vector<uint8_t> zero20 = mem;
    zero20[20] = 0;
    j.check(zero20);
}

}  // namespace
}  // namespace bpfnic
