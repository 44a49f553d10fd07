// SPDX-License-Identifier: MIT
// The instruction table of RFC 9669 and the field validity checks that read it.
#include "compiler/isa.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace bpfnic {
namespace {

using F = Field;

struct AluOp {
    uint8_t code;
    const char* name;
    bool divmul;
};
constexpr AluOp kAluOps[] = {
    {op::kAdd, "add", false}, {op::kSub, "sub", false}, {op::kMul, "mul", true},  {op::kDiv, "div", true},
    {op::kOr, "or", false},   {op::kAnd, "and", false}, {op::kLsh, "lsh", false}, {op::kRsh, "rsh", false},
    {op::kMod, "mod", true},  {op::kXor, "xor", false}, {op::kMov, "mov", false}, {op::kArsh, "arsh", false},
};

struct JmpOp {
    uint8_t code;
    const char* name;
};
constexpr JmpOp kCondJumps[] = {
    {op::kJeq, "jeq"},   {op::kJgt, "jgt"},   {op::kJge, "jge"},   {op::kJset, "jset"},
    {op::kJne, "jne"},   {op::kJsgt, "jsgt"}, {op::kJsge, "jsge"}, {op::kJlt, "jlt"},
    {op::kJle, "jle"},   {op::kJslt, "jslt"}, {op::kJsle, "jsle"},
};

struct AtomicOp {
    int32_t imm;
    const char* name;
};
constexpr AtomicOp kAtomicOps[] = {
    {op::kAdd, "add"},
    {op::kOr, "or"},
    {op::kAnd, "and"},
    {op::kXor, "xor"},
    {op::kAdd | op::kAtomicFetch, "fetch add"},
    {op::kOr | op::kAtomicFetch, "fetch or"},
    {op::kAnd | op::kAtomicFetch, "fetch and"},
    {op::kXor | op::kAtomicFetch, "fetch xor"},
    {op::kAtomicXchg, "xchg"},
    {op::kAtomicCmpXchg, "cmpxchg"},
};

// Interned mnemonic strings: the table is built once and lives for the program's lifetime.
const char* intern(std::vector<std::string>& pool, std::string s) {
    pool.push_back(std::move(s));
    return pool.back().c_str();
}

std::vector<InsnSpec> build_table() {
    static std::vector<std::string> names;
    names.reserve(512);
    std::vector<InsnSpec> t;
    auto add = [&](uint8_t opcode, std::string name, Group g, F dst, F src, F off, F imm, int32_t sel = 0,
                   bool wide = false) {
        t.push_back({opcode, intern(names, std::move(name)), g, dst, src, off, imm, sel, wide});
    };

    // Arithmetic: ALU (32-bit, name suffix "32") and ALU64.
    for (bool is64 : {false, true}) {
        const uint8_t cls = is64 ? op::kClsAlu64 : op::kClsAlu;
        const std::string sfx = is64 ? "" : "32";
        const Group base = is64 ? Group::Base64 : Group::Base32;
        const Group divmul = is64 ? Group::Divmul64 : Group::Divmul32;
        for (const AluOp& a : kAluOps) {
            const Group g = a.divmul ? divmul : base;
            const bool signed_form = a.code == op::kDiv || a.code == op::kMod;
            const F off = signed_form ? F::Selector : F::Zero;
            add(cls | a.code | op::kSrcK, a.name + sfx, g, F::Reg, F::Zero, off, F::Any);
            add(cls | a.code | op::kSrcX, a.name + sfx, g, F::Reg, F::Reg, off, F::Zero);
            if (signed_form) {
                std::string sname = std::string("s") + a.name + sfx;
                add(cls | a.code | op::kSrcK, sname, g, F::Reg, F::Zero, F::Selector, F::Any, 1);
                add(cls | a.code | op::kSrcX, sname, g, F::Reg, F::Reg, F::Selector, F::Zero, 1);
            }
        }
        // Sign-extending moves: MOV|X with off 8/16/(32 for ALU64).
        for (int bits : {8, 16, 32}) {
            if (bits == 32 && !is64) continue;
            add(cls | op::kMov | op::kSrcX, "movsx" + std::to_string(bits) + (is64 ? "64" : "32"), base,
                F::Reg, F::Reg, F::Selector, F::Zero, bits);
        }
        add(cls | op::kNeg, "neg" + sfx, base, F::Reg, F::Zero, F::Zero, F::Zero);
    }
    // Byte swaps: ALU END with K (to little endian), X (to big endian); ALU64 END|K is bswap.
    for (int bits : {16, 32, 64}) {
        const std::string b = std::to_string(bits);
        add(op::kClsAlu | op::kEnd | op::kSrcK, "le" + b, Group::Base32, F::Reg, F::Zero, F::Zero, F::Selector, bits);
        add(op::kClsAlu | op::kEnd | op::kSrcX, "be" + b, Group::Base32, F::Reg, F::Zero, F::Zero, F::Selector, bits);
        add(op::kClsAlu64 | op::kEnd | op::kSrcK, "bswap" + b, Group::Base64, F::Reg, F::Zero, F::Zero, F::Selector,
            bits);
    }

    // Jumps.
    add(op::kClsJmp | op::kJa, "ja", Group::Base32, F::Zero, F::Zero, F::Any, F::Zero);
    add(op::kClsJmp32 | op::kJa, "ja32", Group::Base32, F::Zero, F::Zero, F::Zero, F::Any);
    for (bool is32 : {false, true}) {
        const uint8_t cls = is32 ? op::kClsJmp32 : op::kClsJmp;
        const std::string sfx = is32 ? "32" : "";
        const Group g = is32 ? Group::Base32 : Group::Base64;
        for (const JmpOp& j : kCondJumps) {
            add(cls | j.code | op::kSrcK, j.name + sfx, g, F::Reg, F::Zero, F::Any, F::Any);
            add(cls | j.code | op::kSrcX, j.name + sfx, g, F::Reg, F::Reg, F::Any, F::Zero);
        }
    }
    add(op::kClsJmp | op::kCall | op::kSrcK, "call", Group::Base32, F::Zero, F::PseudoCall, F::Zero, F::Any);
    add(op::kClsJmp | op::kCall | op::kSrcX, "callx", Group::Callx, F::Reg, F::Zero, F::Zero, F::Zero);
    add(op::kClsJmp | op::kExit, "exit", Group::Base32, F::Zero, F::Zero, F::Zero, F::Zero);

    // 64-bit immediate load (two slots) and the legacy packet loads.
    add(op::kClsLd | op::kModeImm | op::kSizeDW, "lddw", Group::Base64, F::Reg, F::PseudoLd, F::Zero, F::Any, 0, true);
    const std::pair<uint8_t, const char*> legacy_sizes[] = {{op::kSizeW, "w"}, {op::kSizeH, "h"}, {op::kSizeB, "b"}};
    for (auto [size, s] : legacy_sizes) {
        add(op::kClsLd | op::kModeAbs | size, std::string("ldabs") + s, Group::PacketLegacy, F::Zero, F::Zero, F::Zero,
            F::Any);
        add(op::kClsLd | op::kModeInd | size, std::string("ldind") + s, Group::PacketLegacy, F::Zero, F::Reg, F::Zero,
            F::Any);
    }

    // Loads and stores.
    const std::pair<uint8_t, const char*> sizes[] = {
        {op::kSizeB, "b"}, {op::kSizeH, "h"}, {op::kSizeW, "w"}, {op::kSizeDW, "dw"}};
    for (auto [size, s] : sizes) {
        const Group g = size == op::kSizeDW ? Group::Base64 : Group::Base32;
        add(op::kClsLdx | op::kModeMem | size, std::string("ldx") + s, g, F::Reg, F::Reg, F::Any, F::Zero);
        if (size != op::kSizeDW)
            add(op::kClsLdx | op::kModeMemSx | size, std::string("ldxs") + s, Group::Base64, F::Reg, F::Reg, F::Any,
                F::Zero);
        add(op::kClsSt | op::kModeMem | size, std::string("st") + s, g, F::Reg, F::Zero, F::Any, F::Any);
        add(op::kClsStx | op::kModeMem | size, std::string("stx") + s, g, F::Reg, F::Reg, F::Any, F::Zero);
    }
    // Atomics: 32- and 64-bit, the operation in imm.
    for (bool is64 : {false, true}) {
        const uint8_t opcode = op::kClsStx | op::kModeAtomic | (is64 ? op::kSizeDW : op::kSizeW);
        for (const AtomicOp& a : kAtomicOps)
            add(opcode, std::string("lock ") + a.name + (is64 ? "" : "32"), is64 ? Group::Atomic64 : Group::Atomic32,
                F::Reg, F::Reg, F::Any, F::Selector, a.imm);
    }

    std::stable_sort(t.begin(), t.end(), [](const InsnSpec& a, const InsnSpec& b) { return a.opcode < b.opcode; });
    return t;
}

// Which field of a form is its selector (at most one per form).
int32_t selector_of(const InsnSpec& s, const RawInsn& i) {
    if (s.off == F::Selector) return i.off;
    if (s.imm == F::Selector) return i.imm;
    return 0;
}

bool field_ok(Field f, int64_t v, int32_t selector) {
    switch (f) {
        case F::Zero: return v == 0;
        case F::Reg: return v >= 0 && v <= 10;
        case F::Any: return true;
        case F::Selector: return v == selector;
        case F::PseudoLd: return v >= op::kPseudoImm64 && v <= op::kPseudoMapIdxValue;
        case F::PseudoCall: return v == op::kCallHelper || v == op::kCallLocal || v == op::kCallKfunc;
    }
    return false;
}

const char* field_name(int which) {
    static const char* const names[] = {"dst", "src", "offset", "imm"};
    return names[which];
}

}  // namespace

const char* group_name(Group g) {
    switch (g) {
        case Group::Base32: return "base32";
        case Group::Base64: return "base64";
        case Group::Atomic32: return "atomic32";
        case Group::Atomic64: return "atomic64";
        case Group::Divmul32: return "divmul32";
        case Group::Divmul64: return "divmul64";
        case Group::PacketLegacy: return "packet";
        case Group::Callx: return "callx";
    }
    return "?";
}

std::span<const InsnSpec> isa_table() {
    static const std::vector<InsnSpec> table = build_table();
    return table;
}

const InsnSpec* find_spec(const RawInsn& insn) {
    auto t = isa_table();
    auto it = std::lower_bound(t.begin(), t.end(), insn.opcode,
                               [](const InsnSpec& s, uint8_t opc) { return s.opcode < opc; });
    // A form whose selector matches wins (movsx over mov); otherwise the opcode's plain form, if any.
    const InsnSpec* plain = nullptr;
    for (; it != t.end() && it->opcode == insn.opcode; ++it) {
        const bool has_selector = it->off == F::Selector || it->imm == F::Selector;
        if (!has_selector) {
            if (!plain) plain = &*it;
        } else if (selector_of(*it, insn) == it->selector_value) {
            return &*it;
        }
    }
    return plain;
}

std::optional<int64_t> branch_target(const RawInsn& insn, size_t pc) {
    const uint8_t cls = op::cls(insn.opcode);
    if (cls != op::kClsJmp && cls != op::kClsJmp32) return std::nullopt;
    const uint8_t code = op::alu_op(insn.opcode);
    if (code == op::kExit) return std::nullopt;
    if (code == op::kCall) {
        if (insn.opcode == (op::kClsJmp | op::kCall | op::kSrcK) && insn.src == op::kCallLocal)
            return static_cast<int64_t>(pc) + 1 + insn.imm;
        return std::nullopt;
    }
    if (insn.opcode == (op::kClsJmp32 | op::kJa)) return static_cast<int64_t>(pc) + 1 + insn.imm;
    return static_cast<int64_t>(pc) + 1 + insn.off;
}

std::vector<std::string> validate(std::span<const RawInsn> insns) {
    std::vector<std::string> errors;
    auto err = [&](size_t pc, const std::string& msg) {
        errors.push_back("instruction " + std::to_string(pc) + ": " + msg);
    };
    if (insns.empty()) {
        errors.push_back("program has no instructions");
        return errors;
    }
    std::vector<bool> second_half(insns.size(), false);
    for (size_t pc = 0; pc < insns.size(); ++pc) {
        const RawInsn& i = insns[pc];
        const InsnSpec* s = find_spec(i);
        if (!s) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "unknown opcode 0x%02x (off %d, imm %d)", i.opcode, i.off, i.imm);
            err(pc, buf);
            continue;
        }
        const int64_t values[] = {i.dst, i.src, i.off, i.imm};
        const Field rules[] = {s->dst, s->src, s->off, s->imm};
        for (int f = 0; f < 4; ++f) {
            if (field_ok(rules[f], values[f], s->selector_value)) continue;
            std::string why = rules[f] == F::Zero  ? "must be zero"
                              : rules[f] == F::Reg ? "is not a register r0..r10"
                                                   : "is not valid";
            err(pc, std::string(s->mnemonic) + ": " + field_name(f) + " " + std::to_string(values[f]) + " " + why);
        }
        if (s->wide) {
            if (pc + 1 >= insns.size()) {
                err(pc, "lddw: missing second half");
                continue;
            }
            const RawInsn& n = insns[pc + 1];
            if (n.opcode != 0 || n.dst != 0 || n.src != 0 || n.off != 0)
                err(pc + 1, "lddw second half: opcode, registers and offset must be zero");
            second_half[pc + 1] = true;
            ++pc;
        }
    }
    for (size_t pc = 0; pc < insns.size(); ++pc) {
        if (second_half[pc]) continue;
        auto target = branch_target(insns[pc], pc);
        if (!target) continue;
        if (*target < 0 || *target >= static_cast<int64_t>(insns.size()))
            err(pc, "jump to " + std::to_string(*target) + " is outside the program (0.." +
                        std::to_string(insns.size() - 1) + ")");
        else if (second_half[*target])
            err(pc, "jump to " + std::to_string(*target) + " lands inside an lddw");
    }
    // The last instruction (an lddw ending the program counts as its first slot) must not fall through.
    const size_t last = insns.size() - 1;
    const size_t last_insn = second_half[last] ? last - 1 : last;
    const RawInsn& l = insns[last_insn];
    const bool ends = l.opcode == (op::kClsJmp | op::kExit) || l.opcode == (op::kClsJmp | op::kJa) ||
                      l.opcode == (op::kClsJmp32 | op::kJa);
    if (!ends) err(last_insn, "the last instruction is neither exit nor an unconditional jump");
    return errors;
}

RawInsn insn_from_word(uint64_t w) {
    RawInsn i;
    i.opcode = static_cast<uint8_t>(w);
    i.dst = static_cast<uint8_t>((w >> 8) & 0xf);
    i.src = static_cast<uint8_t>((w >> 12) & 0xf);
    i.off = static_cast<int16_t>(static_cast<uint16_t>(w >> 16));
    i.imm = static_cast<int32_t>(static_cast<uint32_t>(w >> 32));
    return i;
}

uint64_t word_from_insn(const RawInsn& i) {
    return uint64_t{i.opcode} | uint64_t{i.dst} << 8 | uint64_t{i.src} << 12 |
           uint64_t{static_cast<uint16_t>(i.off)} << 16 | uint64_t{static_cast<uint32_t>(i.imm)} << 32;
}

std::vector<RawInsn> insns_from_bytes(std::span<const uint8_t> bytes) {
    std::vector<RawInsn> out(bytes.size() / sizeof(RawInsn));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(RawInsn));
    return out;
}

std::vector<uint8_t> insns_to_bytes(std::span<const RawInsn> insns) {
    std::vector<uint8_t> out(insns.size() * sizeof(RawInsn));
    if (!out.empty()) std::memcpy(out.data(), insns.data(), out.size());
    return out;
}

}  // namespace bpfnic
