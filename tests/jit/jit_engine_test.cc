// SPDX-License-Identifier: MIT
// JitEngine behaviour beyond single instructions: registration, load-time refusals with the
// instruction index, run-time faults (callx, call depth), legacy packet loads, tail calls from a
// subprogram, unwind, W^X code pages and compile time. Results are compared with the interpreter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/interp.h"
#include "driver/jit/jit_engine.h"
#include "driver/test_run.h"

namespace bpfnic {
namespace {

RawInsn make(uint8_t opcode, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    RawInsn i;
    i.opcode = opcode;
    i.dst = dst;
    i.src = src;
    i.off = off;
    i.imm = imm;
    return i;
}
RawInsn mov(uint8_t dst, int32_t imm) { return make(op::kClsAlu64 | op::kMov | op::kSrcK, dst, 0, 0, imm); }
RawInsn movr(uint8_t dst, uint8_t src) { return make(op::kClsAlu64 | op::kMov | op::kSrcX, dst, src, 0, 0); }
RawInsn addi(uint8_t dst, int32_t imm) { return make(op::kClsAlu64 | op::kAdd | op::kSrcK, dst, 0, 0, imm); }
RawInsn addr(uint8_t dst, uint8_t src) { return make(op::kClsAlu64 | op::kAdd | op::kSrcX, dst, src, 0, 0); }
RawInsn call(int32_t id) { return make(op::kClsJmp | op::kCall, 0, op::kCallHelper, 0, id); }
RawInsn call_local(int32_t rel) { return make(op::kClsJmp | op::kCall, 0, op::kCallLocal, 0, rel); }
RawInsn exit_insn() { return make(op::kClsJmp | op::kExit, 0, 0, 0, 0); }

Object object_of(std::vector<std::vector<RawInsn>> progs) {
    Object obj;
    obj.path = "test.o";
    for (size_t i = 0; i < progs.size(); ++i) {
        Program p;
        p.name = "prog" + std::to_string(i);
        p.insns = std::move(progs[i]);
        obj.programs.push_back(std::move(p));
    }
    return obj;
}

struct Result {
    uint64_t r0 = 0;
    bool failed = false;
    ErrorKind kind = ErrorKind::Internal;
    std::string message;
};

Result run(Engine& e, const Object& obj, const Platform& platform, std::vector<uint8_t> mem = std::vector<uint8_t>(16),
           void (*prepare)(MapSet&) = nullptr) {
    Result r;
    MapSet maps(obj.maps);
    if (prepare) prepare(maps);
    ExecEnv env;
    env.maps = &maps;
    env.num_programs = static_cast<uint32_t>(obj.programs.size());
    try {
        e.load(obj, 0, maps, platform);
        r.r0 = test_run_raw(e, env, mem);
    } catch (const Error& ex) {
        r.failed = true;
        r.kind = ex.kind();
        r.message = ex.what();
    }
    return r;
}

// Runs on both engines, expects the same outcome, returns the JIT's.
Result both(const Object& obj, const Platform& platform = software_xdp_platform(), void (*prepare)(MapSet&) = nullptr) {
    Interpreter interp;
    JitEngine jit;
    const Result a = run(interp, obj, platform, std::vector<uint8_t>(16), prepare);
    const Result b = run(jit, obj, platform, std::vector<uint8_t>(16), prepare);
    EXPECT_EQ(a.failed, b.failed) << "interp: " << a.message << "\njit: " << b.message;
    if (!a.failed && !b.failed) EXPECT_EQ(a.r0, b.r0);
    return b;
}

TEST(JitEngine, RegisteredInMakeEngine) {
    auto e = make_engine("jit");
    EXPECT_STREQ(e->name(), "jit");
    try {
        make_engine("nope");
        FAIL() << "expected an error";
    } catch (const Error& ex) {
        EXPECT_NE(std::string(ex.what()).find("jit"), std::string::npos) << ex.what();
        EXPECT_EQ(ex.kind(), ErrorKind::NotFound);
    }
}

TEST(JitEngine, RefusesUnknownHelperWithInstructionIndex) {
    const Result r = run(*make_jit_engine(), object_of({{mov(0, 0), call(999), exit_insn()}}), software_xdp_platform());
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Unsupported);
    EXPECT_NE(r.message.find("instruction 1: unknown helper id 999"), std::string::npos) << r.message;
}

TEST(JitEngine, RefusesKfuncCalls) {
    const Result r = run(*make_jit_engine(),
                         object_of({{make(op::kClsJmp | op::kCall, 0, op::kCallKfunc, 0, 77), exit_insn()}}),
                         software_xdp_platform());
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Unsupported);
    EXPECT_NE(r.message.find("instruction 0: kfunc call (btf id 77)"), std::string::npos) << r.message;
}

TEST(JitEngine, RefusesMapReferenceOutOfRange) {
    const Result r = run(*make_jit_engine(),
                         object_of({{make(op::kClsLd | op::kModeImm | op::kSizeDW, 1, op::kPseudoMapIdx, 0, 3),
                                     make(0, 0, 0, 0, 0), mov(0, 0), exit_insn()}}),
                         software_xdp_platform());
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::BadInput);
    EXPECT_NE(r.message.find("instruction 0: map index 3 out of range"), std::string::npos) << r.message;
}

TEST(JitEngine, RefusesInvalidPrograms) {
    const Result r = run(*make_jit_engine(), object_of({{mov(0, 0)}}), software_xdp_platform());  // no exit
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Rejected);
    EXPECT_NE(r.message.find("program 'prog0': instruction 0"), std::string::npos) << r.message;
}

TEST(JitEngine, WithVerificationRefusesWhatTheVerifierRejects) {
    JitEngine::Options jo;
    jo.verify = true;
    JitEngine jit(jo);
    // r0 = r3: r3 was never written.
    const Result r = run(jit, object_of({{movr(0, 3), exit_insn()}}), software_xdp_platform());
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Rejected);
    EXPECT_NE(r.message.find("program 'prog0': verifier: instruction 0"), std::string::npos) << r.message;
}

TEST(JitEngine, TheRegisteredEngineRefusesTypedProgramsTheVerifierRejects) {
    // make_engine("jit") verifies XDP programs; raw conformance programs stay unverified.
    const Object bad = object_of({{movr(0, 3), exit_insn()}});
    const Result r = run(*make_engine("jit"), bad, software_xdp_platform());
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Rejected);
    EXPECT_NE(r.message.find("program 'prog0': verifier: instruction 0"), std::string::npos) << r.message;
    const Result raw = run(*make_engine("jit"), object_of({{mov(0, 7), exit_insn()}}), conformance_platform());
    EXPECT_FALSE(raw.failed) << raw.message;
    EXPECT_EQ(raw.r0, 7u);
}

TEST(JitEngine, CallxOfUnknownHelperFaults) {
    const Result r = both(object_of({{mov(2, 999), make(op::kClsJmp | op::kCall | op::kSrcX, 2, 0, 0, 0), exit_insn()}}));
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Runtime);
    EXPECT_NE(r.message.find("instruction 1: callx"), std::string::npos) << r.message;
}

TEST(JitEngine, CallxUsesTheLow32BitsOfTheRegister) {
    // r2 = 0x1_0000_0005: helper 5 (ktime_get_ns) by its low half, as the interpreter reads it.
    std::vector<RawInsn> p = {make(op::kClsLd | op::kModeImm | op::kSizeDW, 2, 0, 0, 5), make(0, 0, 0, 0, 1),
                              make(op::kClsJmp | op::kCall | op::kSrcX, 2, 0, 0, 0), exit_insn()};
    const Result r = both(object_of({p}));
    EXPECT_FALSE(r.failed) << r.message;
}

TEST(JitEngine, RecursionBeyondTheCallDepthFaults) {
    // main: call sub; exit. sub: call sub (itself).
    const Result r = both(object_of({{call_local(1), exit_insn(), call_local(-1), exit_insn()}}));
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.kind, ErrorKind::Runtime);
    EXPECT_NE(r.message.find("call depth"), std::string::npos) << r.message;
}

TEST(JitEngine, DeepestAllowedCallChainRuns) {
    // max_call_depth frames: main and 7 nested calls, each adding one to r0.
    std::vector<RawInsn> p = {mov(0, 0), call_local(1), exit_insn()};
    for (int level = 1; level <= 7; ++level) {
        p.push_back(addi(0, 1));
        if (level < 7) p.push_back(call_local(1));
        p.push_back(exit_insn());
    }
    const Result r = both(object_of({p}));
    ASSERT_FALSE(r.failed) << r.message;
    EXPECT_EQ(r.r0, 7u);
}

TEST(JitEngine, LegacyLoadOutsideThePacketEndsWithZero) {
    const Result r = both(object_of({{mov(0, 5), make(op::kClsLd | op::kModeAbs | op::kSizeW, 0, 0, 0, 1000),
                                      mov(0, 7), exit_insn()}}));
    ASSERT_FALSE(r.failed) << r.message;
    EXPECT_EQ(r.r0, 0u);
}

TEST(JitEngine, LegacyLoadOffsetIsA32BitSum) {
    // src + imm wraps in 32 bits: 0xffffffff + 3 = offset 2; -1 + 0 is negative (ends with 0).
    for (int32_t src : {-1, 5, INT32_MIN}) {
        for (int32_t imm : {3, 0, -8, INT32_MAX}) {
            std::vector<RawInsn> p = {mov(6, src), mov(0, 9), make(op::kClsLd | op::kModeInd | op::kSizeB, 0, 6, 0, imm),
                                      addi(0, 1000), exit_insn()};
            const Result r = both(object_of({p}));
            EXPECT_FALSE(r.failed) << r.message;
        }
    }
}

TEST(JitEngine, LegacyLoadKeepsArgumentRegisters) {
    std::vector<RawInsn> p = {mov(1, 11), mov(2, 22), mov(3, 33), mov(4, 44), mov(5, 55), mov(6, 2),
                              make(op::kClsLd | op::kModeInd | op::kSizeH, 0, 6, 0, 1),
                              addr(0, 1), addr(0, 2), addr(0, 3), addr(0, 4), addr(0, 5), exit_insn()};
    const Result r = both(object_of({p}));
    ASSERT_FALSE(r.failed) << r.message;
}

void prog_array_slot0_is_prog1(MapSet& maps) {
    const uint32_t key = 0, value = 1;
    maps.at(0).update(&key, &value, update_flag::kAny);
}

TEST(JitEngine, TailCallFromASubprogramReturnsToItsCaller) {
    // main: call sub; r0 += 100; exit. sub: tail_call(ctx, jmp_table, 0); r0 = 1; exit. prog1: r0 = 7.
    std::vector<RawInsn> main = {call_local(2), addi(0, 100), exit_insn(),
                                 make(op::kClsLd | op::kModeImm | op::kSizeDW, 2, op::kPseudoMapIdx, 0, 0),
                                 make(0, 0, 0, 0, 0), mov(3, 0), call(helper_id::kTailCall), mov(0, 1), exit_insn()};
    Object obj = object_of({main, {mov(0, 7), exit_insn()}});
    obj.maps.push_back(MapDef{"jmp_table", map_type::kProgArray, 4, 4, 2, 0, -1, {}, false});
    const Result r = both(obj, software_xdp_platform(), prog_array_slot0_is_prog1);
    ASSERT_FALSE(r.failed) << r.message;
    EXPECT_EQ(r.r0, 107u);
}

TEST(JitEngine, UnwindFromASubprogramEndsTheRunWithZero) {
    // conformance helper 5 with r1 == 0 asks to unwind.
    std::vector<RawInsn> p = {call_local(2), mov(0, 5), exit_insn(), mov(1, 0), call(5), mov(0, 9), exit_insn()};
    const Result r = both(object_of({p}), conformance_platform());
    ASSERT_FALSE(r.failed) << r.message;
    EXPECT_EQ(r.r0, 0u);
}

TEST(JitEngine, CodePagesAreNeverWritableAndExecutable) {
    JitEngine jit;
    MapSet maps;
    jit.load(object_of({{mov(0, 1), exit_insn()}}), 0, maps, software_xdp_platform());
    const uint64_t code = reinterpret_cast<uint64_t>(jit.code_address());
    ASSERT_NE(code, 0u);
    std::ifstream in("/proc/self/maps");
    std::string line;
    bool found = false;
    while (std::getline(in, line)) {
        unsigned long lo = 0, hi = 0;
        char perms[8] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
        if (code >= lo && code < hi) {
            found = true;
            EXPECT_EQ(std::string(perms), "r-xp") << line;
        }
        if (perms[1] == 'w' && perms[2] == 'x') ADD_FAILURE() << "writable and executable mapping: " << line;
    }
    EXPECT_TRUE(found);
}

TEST(JitEngine, SmallProgramsCompileInMicroseconds) {
    std::vector<RawInsn> p;
    for (int i = 0; i < 48; ++i) p.push_back(addi(static_cast<uint8_t>(i % 6), i));
    p.push_back(exit_insn());
    const Object obj = object_of({p});
    JitEngine jit;
    MapSet maps;
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 50; ++i) {
        jit.load(obj, 0, maps, software_xdp_platform());
        best = std::min(best, jit.compile_ns());
    }
    std::cout << "compile time of a 49-instruction program: " << best / 1000.0 << " us (" << jit.code_size()
              << " bytes)\n";
    EXPECT_LT(best, 2'000'000u);  // generous for a loaded machine; typically tens of microseconds
}

TEST(JitEngine, RunBeforeLoadIsAnError) {
    JitEngine jit;
    ExecEnv env;
    EXPECT_THROW(jit.run(env, 0, 0), Error);
}

}  // namespace
}  // namespace bpfnic
