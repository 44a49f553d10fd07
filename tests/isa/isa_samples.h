// SPDX-License-Identifier: MIT
// Sample programs covering every row of isa_table() with varied field values, and an independent
// writer of the conformance suite's assembly syntax for them. Shared by the ISA, IR and assembler
// tests (header only: each test folder is its own executable).
#pragma once

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "compiler/isa.h"

namespace bpfnic::testing {

/// One instance of a form: a valid program [exit, exit, INSN (1 or 2 slots), exit, exit] with the
/// instruction at slot 2, so jump offsets -2..+1 stay inside the program.
struct Sample {
    const InsnSpec* spec;
    int variant;
    std::vector<RawInsn> program;
    static constexpr size_t kPc = 2;
    const RawInsn& insn() const { return program[kPc]; }
    size_t slots() const { return spec->wide ? 2 : 1; }
};

inline RawInsn raw_insn(uint8_t opcode, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0) {
    RawInsn r;
    r.opcode = opcode;
    r.dst = dst;
    r.src = src;
    r.off = off;
    r.imm = imm;
    return r;
}

inline bool is_branch_form(const InsnSpec& s) {
    const uint8_t cls = op::cls(s.opcode);
    if (cls != op::kClsJmp && cls != op::kClsJmp32) return false;
    const uint8_t code = op::alu_op(s.opcode);
    return code != op::kExit && code != op::kCall;
}

/// Number of variants of a form: lddw gets one per pseudo source, call one per call kind (twice).
inline int variant_count(const InsnSpec& s) {
    if (s.wide) return 7;
    if (s.src == Field::PseudoCall) return 6;
    return 4;
}

inline Sample make_sample(const InsnSpec& s, int v) {
    static constexpr int16_t kMemOffs[] = {0, -8, 32767, -32768};
    static constexpr int16_t kJumpOffs[] = {-2, -1, 0, 1};
    static constexpr int32_t kImms[] = {0, -1, INT32_MAX, INT32_MIN};
    RawInsn i = raw_insn(s.opcode);
    const bool branch = is_branch_form(s);
    if (s.dst == Field::Reg) i.dst = static_cast<uint8_t>((v * 3 + 1) % 11);
    if (s.src == Field::Reg) i.src = static_cast<uint8_t>((v * 7 + 2) % 11);
    if (s.off == Field::Any) i.off = branch ? kJumpOffs[v % 4] : kMemOffs[v % 4];
    if (s.imm == Field::Any) i.imm = branch ? kJumpOffs[v % 4] : kImms[v % 4];
    if (s.off == Field::Selector) i.off = static_cast<int16_t>(s.selector_value);
    if (s.imm == Field::Selector) i.imm = s.selector_value;
    RawInsn hi = raw_insn(0);
    if (s.src == Field::PseudoLd) {
        i.src = static_cast<uint8_t>(v);
        static constexpr int32_t kLo[] = {0, -1, INT32_MAX, 0x12345678, 7, 0, 3};
        static constexpr int32_t kHi[] = {0, -1, INT32_MIN, 0x0abcdef0, 0, 16, -4};
        i.imm = kLo[v];
        hi.imm = kHi[v];
        if (i.src == op::kPseudoFunc) i.imm = -2;  // a function reference: relative like a local call
    }
    if (s.src == Field::PseudoCall) {
        i.src = static_cast<uint8_t>(v % 3);
        i.imm = i.src == op::kCallLocal ? kJumpOffs[v % 4] : (v < 3 ? 1 : 0x7fff0001);
    }
    const RawInsn exit = raw_insn(op::kClsJmp | op::kExit);
    Sample out{&s, v, {exit, exit, i}};
    if (s.wide) out.program.push_back(hi);
    out.program.push_back(exit);
    out.program.push_back(exit);
    return out;
}

/// Every form, every variant.
inline std::vector<Sample> isa_samples() {
    std::vector<Sample> out;
    for (const InsnSpec& s : isa_table())
        for (int v = 0; v < variant_count(s); ++v) out.push_back(make_sample(s, v));
    return out;
}

inline std::string signed_rel(int64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%+" PRId64, v);
    return buf;
}

inline std::string conf_mem(int reg, int off) {
    return "[%r" + std::to_string(reg) + (off < 0 ? "-" : "+") + std::to_string(off < 0 ? -off : off) + "]";
}

/// The instruction at slot 2 of a sample, written in the conformance suite's syntax from the
/// table's mnemonic (written independently of the disassembler).
inline std::string conformance_text(const Sample& smp) {
    const InsnSpec& s = *smp.spec;
    const RawInsn& i = smp.insn();
    const std::string m = s.mnemonic;
    const std::string d = "%r" + std::to_string(i.dst), r = "%r" + std::to_string(i.src);
    const uint8_t cls = op::cls(i.opcode), code = op::alu_op(i.opcode);
    const bool x = op::src_bit(i.opcode) == op::kSrcX;
    switch (cls) {
        case op::kClsAlu:
        case op::kClsAlu64:
            if (code == op::kNeg || code == op::kEnd) return m + " " + d;
            return m + " " + d + ", " + (x ? r : std::to_string(i.imm));
        case op::kClsJmp:
        case op::kClsJmp32:
            if (code == op::kExit) return "exit";
            if (code == op::kCall) {
                if (x) return "call " + d;
                if (i.src == op::kCallLocal) return "call local " + signed_rel(i.imm);
                if (i.src == op::kCallKfunc) return "call runtime " + std::to_string(i.imm);
                return "call " + std::to_string(i.imm);
            }
            if (code == op::kJa) return m + " " + signed_rel(cls == op::kClsJmp32 ? i.imm : i.off);
            return m + " " + d + ", " + (x ? r : std::to_string(i.imm)) + ", " + signed_rel(i.off);
        case op::kClsLd: {
            const uint8_t mode = op::mem_mode(i.opcode);
            if (mode == op::kModeAbs) return m + " " + std::to_string(i.imm);
            if (mode == op::kModeInd) return m + " " + r + ", " + std::to_string(i.imm);
            const int32_t hi = smp.program[Sample::kPc + 1].imm;
            static const char* const kNames[] = {"", "map_fd", "map_fd_value", "btf_id", "func", "map", "map_value"};
            if (i.src != 0) {
                std::string t = m + " " + d + ", " + kNames[i.src] + "[" + std::to_string(i.imm) + "]";
                if (hi != 0) t += signed_rel(hi);
                return t;
            }
            char buf[32];
            std::snprintf(buf, sizeof buf, "0x%08" PRIx32 "%08" PRIx32, static_cast<uint32_t>(hi),
                          static_cast<uint32_t>(i.imm));
            return m + " " + d + ", " + buf;
        }
        case op::kClsLdx: return m + " " + d + ", " + conf_mem(i.src, i.off);
        case op::kClsSt: return m + " " + conf_mem(i.dst, i.off) + ", " + std::to_string(i.imm);
        case op::kClsStx: return m + " " + conf_mem(i.dst, i.off) + ", " + r;
    }
    return "?";
}

/// The whole sample program as conformance text.
inline std::string conformance_program(const Sample& smp) {
    return "exit\nexit\n" + conformance_text(smp) + "\nexit\nexit\n";
}

}  // namespace bpfnic::testing
