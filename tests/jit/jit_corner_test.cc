// SPDX-License-Identifier: MIT
// Per-instruction corner cases, JIT against the interpreter: every ALU form with operands that hit
// x86's traps and quirks (division by zero, INT_MIN / -1, shift counts past the width, 32-bit
// zero-extension, byte swaps, sign extension) for register pairs that collide with the JIT's
// implicit registers (r0 = rax, r2 = rdx, r3 = rcx); every other register is checked unchanged.
// Atomics likewise, and every conditional jump on boundary values.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "compiler/disasm.h"
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

void lddw(std::vector<RawInsn>& p, uint8_t dst, uint64_t v) {
    p.push_back(make(op::kClsLd | op::kModeImm | op::kSizeDW, dst, 0, 0, static_cast<int32_t>(v)));
    p.push_back(make(0, 0, 0, 0, static_cast<int32_t>(v >> 32)));
}

struct Outcome {
    uint64_t r0 = 0;
    std::vector<uint8_t> mem;
    std::string error;
};

Outcome run_raw(Engine& e, const std::vector<RawInsn>& insns, size_t mem_size, const Platform& platform) {
    Object obj;
    obj.path = "corner";
    Program p;
    p.name = "corner";
    p.insns = insns;
    obj.programs.push_back(p);
    Outcome o;
    o.mem.assign(mem_size, 0xa5);
    MapSet maps;
    ExecEnv env;
    env.maps = &maps;
    env.num_programs = 1;
    try {
        e.load(obj, 0, maps, platform);
        o.r0 = test_run_raw(e, env, o.mem);
    } catch (const std::exception& ex) {
        o.error = ex.what();
    }
    return o;
}

// Runs on both engines; returns "" or a description of the difference.
std::string differ(const std::vector<RawInsn>& insns, size_t mem_size,
                   const Platform& platform = software_xdp_platform()) {
    Interpreter interp;
    JitEngine jit;
    JitEngine::Options no_bmi2;
    no_bmi2.use_bmi2 = false;
    JitEngine jit_legacy(no_bmi2);
    const Outcome a = run_raw(interp, insns, mem_size, platform);
    for (Engine* e : {static_cast<Engine*>(&jit), static_cast<Engine*>(&jit_legacy)}) {
        const Outcome b = run_raw(*e, insns, mem_size, platform);
        if (a.r0 != b.r0 || a.mem != b.mem || a.error.empty() != b.error.empty()) {
            std::string s = disassemble(insns, Syntax::Llvm);
            char buf[128];
            std::snprintf(buf, sizeof buf, "interp r0=0x%" PRIx64 " jit r0=0x%" PRIx64 "\n", a.r0, b.r0);
            s += buf;
            for (size_t i = 0; i < a.mem.size(); i += 8) {
                uint64_t x = 0, y = 0;
                std::memcpy(&x, &a.mem[i], 8);
                std::memcpy(&y, &b.mem[i], 8);
                if (x != y) {
                    std::snprintf(buf, sizeof buf, "  r%zu: interp 0x%" PRIx64 " jit 0x%" PRIx64 "\n", i / 8, x, y);
                    s += buf;
                }
            }
            if (!a.error.empty()) s += "interp error: " + a.error + "\n";
            if (!b.error.empty()) s += "jit error: " + b.error + "\n";
            return s;
        }
    }
    return {};
}

constexpr uint64_t kValues[] = {0, 1, ~0ull, 0x8000000000000000ull, 0xffffffff80000000ull, 0x80000000ull,
                                63, 64, 0x123456789abcdef0ull, 0xfffffffffffffff0ull, 7, 0x00000000ffffffffull};
constexpr uint8_t kRegs[] = {0, 1, 2, 3, 6};  // rax, rsi, rdx, rcx, rbx

// Program: save r1 (memory) on the stack; then per case k: set r0..r9 to markers, dst = a,
// src = b, the instruction, and write r0..r9 to memory[80 * k + 8 * r].
struct Case {
    uint64_t a, b;
};
std::vector<RawInsn> wrap(RawInsn insn, uint8_t dst, int src, const std::vector<Case>& cases) {
    std::vector<RawInsn> p;
    p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 10, 1, -8, 0));
    for (size_t k = 0; k < cases.size(); ++k) {
        for (uint8_t r = 0; r <= 9; ++r) lddw(p, r, (0x1111111111111111ull * (r + 1)) ^ (0xf0f0f0f0f0f0f0f0ull + k));
        lddw(p, dst, cases[k].a);
        if (src >= 0 && src != dst) lddw(p, static_cast<uint8_t>(src), cases[k].b);
        p.push_back(insn);
        for (uint8_t r = 0; r <= 9; ++r)
            p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 10, r, static_cast<int16_t>(-16 - 8 * r), 0));
        p.push_back(make(op::kClsLdx | op::kModeMem | op::kSizeDW, 1, 10, -8, 0));
        for (uint8_t r = 0; r <= 9; ++r) {
            p.push_back(make(op::kClsLdx | op::kModeMem | op::kSizeDW, 2, 10, static_cast<int16_t>(-16 - 8 * r), 0));
            p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 1, 2, static_cast<int16_t>(80 * k + 8 * r), 0));
        }
    }
    p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcK, 0, 0, 0, 0));
    p.push_back(make(op::kClsJmp | op::kExit, 0, 0, 0, 0));
    return p;
}

struct AluForm {
    uint8_t op;
    int16_t off;
};
constexpr AluForm kBinForms[] = {{op::kAdd, 0}, {op::kSub, 0}, {op::kMul, 0}, {op::kDiv, 0}, {op::kDiv, 1},
                                 {op::kOr, 0},  {op::kAnd, 0}, {op::kLsh, 0}, {op::kRsh, 0}, {op::kMod, 0},
                                 {op::kMod, 1}, {op::kXor, 0}, {op::kMov, 0}, {op::kArsh, 0}, {op::kMov, 8},
                                 {op::kMov, 16}, {op::kMov, 32}};

TEST(JitCorner, AluRegisterForms) {
    std::vector<Case> cases;
    for (uint64_t a : kValues)
        for (uint64_t b : {0ull, ~0ull, 0xffffffff00000000ull, 65ull, 0x100000003ull, 0xfffffffffffffff0ull})
            cases.push_back({a, b});
    int checked = 0;
    for (const AluForm& f : kBinForms)
        for (bool is64 : {false, true}) {
            if (!is64 && f.op == op::kMov && f.off == 32) continue;  // no 32-bit movsx32
            const uint8_t opcode = (is64 ? op::kClsAlu64 : op::kClsAlu) | f.op | op::kSrcX;
            for (uint8_t d : kRegs)
                for (uint8_t s : kRegs) {
                    const std::string diff = differ(wrap(make(opcode, d, s, f.off, 0), d, s, cases), 80 * cases.size());
                    ASSERT_TRUE(diff.empty()) << diff;
                    checked += static_cast<int>(cases.size());
                }
        }
    EXPECT_GT(checked, 50000);
}

TEST(JitCorner, AluImmediateForms) {
    constexpr int32_t kImms[] = {0, 1, -1, 2, 16, 31, 32, 63, 64, 100, INT32_MIN, INT32_MAX, -16, 0x40000000};
    std::vector<Case> cases;
    for (uint64_t a : kValues) cases.push_back({a, 0});
    for (const AluForm& f : kBinForms) {
        if (f.op == op::kMov && f.off != 0) continue;  // movsx has no immediate form
        for (bool is64 : {false, true}) {
            const uint8_t opcode = (is64 ? op::kClsAlu64 : op::kClsAlu) | f.op | op::kSrcK;
            for (uint8_t d : kRegs)
                for (int32_t k : kImms) {
                    const std::string diff = differ(wrap(make(opcode, d, 0, f.off, k), d, -1, cases), 80 * cases.size());
                    ASSERT_TRUE(diff.empty()) << diff;
                }
        }
    }
}

TEST(JitCorner, NegAndByteSwaps) {
    std::vector<RawInsn> forms;
    for (uint8_t cls : {op::kClsAlu, op::kClsAlu64}) forms.push_back(make(cls | op::kNeg, 0, 0, 0, 0));
    for (int32_t w : {16, 32, 64}) {
        forms.push_back(make(op::kClsAlu | op::kEnd | op::kSrcK, 0, 0, 0, w));
        forms.push_back(make(op::kClsAlu | op::kEnd | op::kSrcX, 0, 0, 0, w));
        forms.push_back(make(op::kClsAlu64 | op::kEnd | op::kSrcK, 0, 0, 0, w));
    }
    std::vector<Case> cases;
    for (uint64_t a : kValues) cases.push_back({a, 0});
    for (RawInsn f : forms)
        for (uint8_t d : kRegs) {
            f.dst = d;
            const std::string diff = differ(wrap(f, d, -1, cases), 80 * cases.size());
            ASSERT_TRUE(diff.empty()) << diff;
        }
}

TEST(JitCorner, Atomics) {
    constexpr int32_t kOps[] = {0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, op::kAtomicXchg, op::kAtomicCmpXchg};
    for (bool is64 : {false, true})
        for (int32_t aop : kOps)
            for (uint8_t base : {0, 2, 3, 6})
                for (uint8_t src : {0, 1, 2, 3, 6}) {
                    if (src == base) continue;  // would store or fetch into the pointer itself
                    for (uint64_t mem : {0ull, 0x80000000ull, 0x123456789abcdef0ull})
                        for (uint64_t v : {1ull, ~0ull, 0xffffffff00000001ull}) {
                            // Stack slot r10-96 holds mem; base = r10 - 96 (+ 0 offset), r0 = v for cmpxchg.
                            std::vector<RawInsn> p;
                            p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 10, 1, -8, 0));
                            for (uint8_t r = 0; r <= 9; ++r) lddw(p, r, 0x0101010101010101ull * (r + 3));
                            lddw(p, 4, mem);
                            p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 10, 4, -96, 0));
                            lddw(p, src, v);
                            if (aop == op::kAtomicCmpXchg && src != 0 && base != 0 && (v & 1)) lddw(p, 0, mem);
                            p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcX, base, 10, 0, 0));
                            p.push_back(make(op::kClsAlu64 | op::kAdd | op::kSrcK, base, 0, 0, -100));
                            p.push_back(make(op::kClsStx | op::kModeAtomic | (is64 ? op::kSizeDW : op::kSizeW), base, src,
                                             4, aop));
                            if (!(aop == op::kAtomicCmpXchg && base == 0))
                                p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcK, base, 0, 0, 0));  // drop the pointer
                            else
                                p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcK, 7, 0, 0, 0));
                            // Dump r0..r9 and the slot.
                            for (uint8_t r = 0; r <= 9; ++r)
                                p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 10, r, static_cast<int16_t>(-16 - 8 * r), 0));
                            p.push_back(make(op::kClsLdx | op::kModeMem | op::kSizeDW, 1, 10, -8, 0));
                            for (uint8_t r = 0; r <= 10; ++r) {
                                p.push_back(make(op::kClsLdx | op::kModeMem | op::kSizeDW, 2, 10, static_cast<int16_t>(-16 - 8 * r), 0));
                                p.push_back(make(op::kClsStx | op::kModeMem | op::kSizeDW, 1, 2, static_cast<int16_t>(8 * r), 0));
                            }
                            p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcK, 0, 0, 0, 0));
                            p.push_back(make(op::kClsJmp | op::kExit, 0, 0, 0, 0));
                            const std::string diff = differ(p, 88);
                            ASSERT_TRUE(diff.empty()) << diff;
                        }
                }
}

TEST(JitCorner, ConditionalJumps) {
    constexpr uint8_t kConds[] = {op::kJeq, op::kJgt, op::kJge, op::kJset, op::kJne, op::kJsgt,
                                  op::kJsge, op::kJlt, op::kJle, op::kJslt, op::kJsle};
    constexpr uint64_t kVals[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull, 0x80000000ull,
                                  0xffffffff00000000ull, 0x100000000ull};
    for (uint8_t cls : {op::kClsJmp, op::kClsJmp32})
        for (uint8_t c : kConds)
            for (uint64_t a : kVals)
                for (uint64_t b : kVals)
                    for (bool reg : {false, true}) {
                        std::vector<RawInsn> p;
                        lddw(p, 3, a);
                        lddw(p, 2, b);
                        p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcK, 0, 0, 0, 1));
                        if (reg)
                            p.push_back(make(cls | c | op::kSrcX, 3, 2, 1, 0));
                        else
                            p.push_back(make(cls | c | op::kSrcK, 3, 0, 1, static_cast<int32_t>(b)));
                        p.push_back(make(op::kClsAlu64 | op::kMov | op::kSrcK, 0, 0, 0, 2));
                        p.push_back(make(op::kClsJmp | op::kExit, 0, 0, 0, 0));
                        const std::string diff = differ(p, 8);
                        ASSERT_TRUE(diff.empty()) << diff;
                    }
}

}  // namespace
}  // namespace bpfnic
