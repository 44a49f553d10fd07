// SPDX-License-Identifier: MIT
// The disassembler: one printer per syntax, both driven by the ISA table's form of each
// instruction, so an encoding the table rejects is never printed as if it were valid.
#include "compiler/disasm.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace bpfnic {
namespace {

std::string fmt(const char* f, auto... args) {
    char buf[160];
    std::snprintf(buf, sizeof buf, f, args...);
    return buf;
}

// Field validity against the form (unused fields zero, registers in range, selectors matching).
bool fields_ok(const InsnSpec& s, const RawInsn& i) {
    auto ok = [&](Field f, int64_t v) {
        switch (f) {
            case Field::Zero: return v == 0;
            case Field::Reg: return v >= 0 && v <= 10;
            case Field::Any: return true;
            case Field::Selector: return v == s.selector_value;
            case Field::PseudoLd: return v >= op::kPseudoImm64 && v <= op::kPseudoMapIdxValue;
            case Field::PseudoCall: return v == op::kCallHelper || v == op::kCallLocal || v == op::kCallKfunc;
        }
        return false;
    };
    return ok(s.dst, i.dst) && ok(s.src, i.src) && ok(s.off, i.off) && ok(s.imm, i.imm);
}

std::string invalid(const RawInsn& i) {
    return fmt("<invalid: opcode 0x%02x dst %d src %d off %d imm %d>", i.opcode, i.dst, i.src, i.off, i.imm);
}

const char* size_name(uint8_t size, bool sign) {
    switch (size) {
        case op::kSizeB: return sign ? "s8" : "u8";
        case op::kSizeH: return sign ? "s16" : "u16";
        case op::kSizeW: return sign ? "s32" : "u32";
        default: return "u64";
    }
}

const char* pseudo_name(uint8_t pseudo) {
    switch (pseudo) {
        case op::kPseudoMapFd: return "map_fd";
        case op::kPseudoMapValue: return "map_fd_value";
        case op::kPseudoBtfId: return "btf_id";
        case op::kPseudoFunc: return "func";
        case op::kPseudoMapIdx: return "map";
        case op::kPseudoMapIdxValue: return "map_value";
        default: return "?";
    }
}

// `map[3]`, `map_value[3]+8`, `map_value[3]-4`.
std::string pseudo_ref(const RawInsn& lo, const RawInsn& hi) {
    std::string s = fmt("%s[%d]", pseudo_name(lo.src), lo.imm);
    if (hi.imm > 0) s += fmt("+%d", hi.imm);
    else if (hi.imm < 0) s += fmt("%d", hi.imm);
    return s;
}

std::string rel(int64_t v) { return v >= 0 ? fmt("+%lld", static_cast<long long>(v)) : fmt("%lld", static_cast<long long>(v)); }

// ---------------------------------------------------------------------------------------------
// llvm-objdump syntax

const char* alu_sym(uint8_t code, bool sign) {
    switch (code) {
        case op::kAdd: return "+=";
        case op::kSub: return "-=";
        case op::kMul: return "*=";
        case op::kDiv: return sign ? "s/=" : "/=";
        case op::kOr: return "|=";
        case op::kAnd: return "&=";
        case op::kLsh: return "<<=";
        case op::kRsh: return ">>=";
        case op::kMod: return sign ? "s%=" : "%=";
        case op::kXor: return "^=";
        case op::kArsh: return "s>>=";
        default: return "=";
    }
}

const char* cond_sym(uint8_t code) {
    switch (code) {
        case op::kJeq: return "==";
        case op::kJgt: return ">";
        case op::kJge: return ">=";
        case op::kJset: return "&";
        case op::kJne: return "!=";
        case op::kJsgt: return "s>";
        case op::kJsge: return "s>=";
        case op::kJlt: return "<";
        case op::kJle: return "<=";
        case op::kJslt: return "s<";
        case op::kJsle: return "s<=";
        default: return "?";
    }
}

std::string mem_llvm(int base, int16_t off) {
    return off < 0 ? fmt("(r%d - %d)", base, -static_cast<int>(off)) : fmt("(r%d + %d)", base, static_cast<int>(off));
}

std::string llvm_text(const InsnSpec& s, const RawInsn* p, size_t pc) {
    const RawInsn& i = *p;
    const uint8_t cls = op::cls(i.opcode);
    const uint8_t code = op::alu_op(i.opcode);
    const bool x = op::src_bit(i.opcode) == op::kSrcX;
    (void)pc;
    switch (cls) {
        case op::kClsAlu:
        case op::kClsAlu64: {
            const char r = cls == op::kClsAlu64 ? 'r' : 'w';
            if (code == op::kNeg) return fmt("%c%d = -%c%d", r, i.dst, r, i.dst);
            if (code == op::kEnd) {
                const char* kind = cls == op::kClsAlu64 ? "bswap" : x ? "be" : "le";
                return fmt("r%d = %s%d r%d", i.dst, kind, i.imm, i.dst);
            }
            if (code == op::kMov && x && i.off != 0) return fmt("%c%d = (s%d)%c%d", r, i.dst, i.off, r, i.src);
            const char* sym = alu_sym(code, i.off == 1);
            if (x) return fmt("%c%d %s %c%d", r, i.dst, sym, r, i.src);
            return fmt("%c%d %s %d", r, i.dst, sym, i.imm);
        }
        case op::kClsJmp:
        case op::kClsJmp32: {
            if (code == op::kExit) return "exit";
            if (code == op::kCall) {
                if (x) return fmt("callx r%d", i.dst);
                if (i.src == op::kCallLocal) return "call pc" + rel(i.imm);
                if (i.src == op::kCallKfunc) return fmt("call kfunc %d", i.imm);
                return fmt("call %d", i.imm);
            }
            if (code == op::kJa) return cls == op::kClsJmp32 ? "gotol " + rel(i.imm) : "goto " + rel(i.off);
            const char r = cls == op::kClsJmp ? 'r' : 'w';
            const std::string rhs = x ? fmt("%c%d", r, i.src) : fmt("%d", i.imm);
            return fmt("if %c%d %s ", r, i.dst, cond_sym(code)) + rhs + " goto " + rel(i.off);
        }
        case op::kClsLd: {
            const uint8_t mode = op::mem_mode(i.opcode);
            if (mode == op::kModeImm) {
                if (i.src != op::kPseudoImm64) return fmt("r%d = ", i.dst) + pseudo_ref(i, p[1]) + " ll";
                const uint64_t v = (static_cast<uint64_t>(static_cast<uint32_t>(p[1].imm)) << 32) |
                                   static_cast<uint32_t>(i.imm);
                return fmt("r%d = %lld ll", i.dst, static_cast<long long>(v));
            }
            const char* ty = size_name(op::mem_size(i.opcode), false);
            if (mode == op::kModeAbs) return fmt("r0 = *(%s *)skb[%d]", ty, i.imm);
            if (i.imm == 0) return fmt("r0 = *(%s *)skb[r%d]", ty, i.src);
            if (i.imm < 0) return fmt("r0 = *(%s *)skb[r%d - %u]", ty, i.src, 0u - static_cast<uint32_t>(i.imm));
            return fmt("r0 = *(%s *)skb[r%d + %d]", ty, i.src, i.imm);
        }
        case op::kClsLdx: {
            const bool sign = op::mem_mode(i.opcode) == op::kModeMemSx;
            return fmt("r%d = *(%s *)", i.dst, size_name(op::mem_size(i.opcode), sign)) + mem_llvm(i.src, i.off);
        }
        case op::kClsSt:
            return fmt("*(%s *)", size_name(op::mem_size(i.opcode), false)) + mem_llvm(i.dst, i.off) +
                   fmt(" = %d", i.imm);
        case op::kClsStx: {
            const uint8_t size = op::mem_size(i.opcode);
            if (op::mem_mode(i.opcode) != op::kModeAtomic)
                return fmt("*(%s *)", size_name(size, false)) + mem_llvm(i.dst, i.off) + fmt(" = r%d", i.src);
            const bool w64 = size == op::kSizeDW;
            const char r = w64 ? 'r' : 'w';
            const char* ty = w64 ? "u64" : "u32";
            if (i.imm == op::kAtomicXchg)
                return fmt("%c%d = %s(r%d %c %d, %c%d)", r, i.src, w64 ? "xchg_64" : "xchg32_32", i.dst,
                           i.off < 0 ? '-' : '+', std::abs(static_cast<int>(i.off)), r, i.src);
            if (i.imm == op::kAtomicCmpXchg)
                return fmt("%c0 = %s(r%d %c %d, %c0, %c%d)", r, w64 ? "cmpxchg_64" : "cmpxchg32_32", i.dst,
                           i.off < 0 ? '-' : '+', std::abs(static_cast<int>(i.off)), r, r, i.src);
            const int32_t base = i.imm & ~op::kAtomicFetch;
            const char* name = base == op::kAdd ? "add" : base == op::kOr ? "or" : base == op::kAnd ? "and" : "xor";
            if (i.imm & op::kAtomicFetch)
                return fmt("%c%d = atomic_fetch_%s((%s *)", r, i.src, name, ty) + mem_llvm(i.dst, i.off) +
                       fmt(", %c%d)", r, i.src);
            const char* sym = base == op::kAdd ? "+=" : base == op::kOr ? "|=" : base == op::kAnd ? "&=" : "^=";
            return fmt("lock *(%s *)", ty) + mem_llvm(i.dst, i.off) + fmt(" %s %c%d", sym, r, i.src);
        }
    }
    (void)s;
    return invalid(i);
}

// ---------------------------------------------------------------------------------------------
// Conformance syntax

std::string mem_conf(int base, int16_t off) {
    return off < 0 ? fmt("[%%r%d-%d]", base, -static_cast<int>(off)) : fmt("[%%r%d+%d]", base, static_cast<int>(off));
}

std::string conf_text(const InsnSpec& s, const RawInsn* p) {
    const RawInsn& i = *p;
    const uint8_t cls = op::cls(i.opcode);
    const uint8_t code = op::alu_op(i.opcode);
    const bool x = op::src_bit(i.opcode) == op::kSrcX;
    const std::string m = s.mnemonic;
    switch (cls) {
        case op::kClsAlu:
        case op::kClsAlu64:
            if (code == op::kNeg || code == op::kEnd) return m + fmt(" %%r%d", i.dst);
            return m + fmt(" %%r%d, ", i.dst) + (x ? fmt("%%r%d", i.src) : fmt("%d", i.imm));
        case op::kClsJmp:
        case op::kClsJmp32:
            if (code == op::kExit) return "exit";
            if (code == op::kCall) {
                if (x) return fmt("call %%r%d", i.dst);
                if (i.src == op::kCallLocal) return "call local " + rel(i.imm);
                if (i.src == op::kCallKfunc) return fmt("call runtime %d", i.imm);
                return fmt("call %d", i.imm);
            }
            if (code == op::kJa) return m + " " + rel(cls == op::kClsJmp32 ? i.imm : i.off);
            return m + fmt(" %%r%d, ", i.dst) + (x ? fmt("%%r%d", i.src) : fmt("%d", i.imm)) + ", " + rel(i.off);
        case op::kClsLd: {
            const uint8_t mode = op::mem_mode(i.opcode);
            if (mode == op::kModeImm) {
                if (i.src != op::kPseudoImm64) return fmt("lddw %%r%d, ", i.dst) + pseudo_ref(i, p[1]);
                return fmt("lddw %%r%d, 0x%08x%08x", i.dst, static_cast<uint32_t>(p[1].imm), static_cast<uint32_t>(i.imm));
            }
            if (mode == op::kModeAbs) return m + fmt(" %d", i.imm);
            return m + fmt(" %%r%d, %d", i.src, i.imm);
        }
        case op::kClsLdx: return m + fmt(" %%r%d, ", i.dst) + mem_conf(i.src, i.off);
        case op::kClsSt: return m + " " + mem_conf(i.dst, i.off) + fmt(", %d", i.imm);
        case op::kClsStx: return m + " " + mem_conf(i.dst, i.off) + fmt(", %%r%d", i.src);
    }
    return invalid(i);
}

}  // namespace

std::string format_insn(const RawInsn* insn, size_t pc, Syntax syntax) {
    const InsnSpec* s = find_spec(*insn);
    if (!s || !fields_ok(*s, *insn)) return invalid(*insn);
    return syntax == Syntax::Llvm ? llvm_text(*s, insn, pc) : conf_text(*s, insn);
}

std::string disassemble(std::span<const RawInsn> insns, Syntax syntax) {
    std::string out;
    for (size_t pc = 0; pc < insns.size(); ++pc) {
        const InsnSpec* s = find_spec(insns[pc]);
        if (s && s->wide && pc + 1 >= insns.size()) {
            out += invalid(insns[pc]) + " <lddw without its second half>\n";
            break;
        }
        out += format_insn(&insns[pc], pc, syntax) + "\n";
        if (s && s->wide && fields_ok(*s, insns[pc])) ++pc;
    }
    return out;
}

}  // namespace bpfnic
