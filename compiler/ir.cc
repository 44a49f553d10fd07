// SPDX-License-Identifier: MIT
// Raw eBPF slots to IR instructions and back.
#include "compiler/ir.h"

#include <stdexcept>

namespace bpfnic {
namespace {

Bin::Op bin_op(uint8_t code, int16_t off) {
    switch (code) {
        case op::kAdd: return Bin::Op::Add;
        case op::kSub: return Bin::Op::Sub;
        case op::kMul: return Bin::Op::Mul;
        case op::kDiv: return off == 1 ? Bin::Op::SDiv : Bin::Op::UDiv;
        case op::kOr: return Bin::Op::Or;
        case op::kAnd: return Bin::Op::And;
        case op::kLsh: return Bin::Op::Lsh;
        case op::kRsh: return Bin::Op::Rsh;
        case op::kMod: return off == 1 ? Bin::Op::SMod : Bin::Op::UMod;
        case op::kXor: return Bin::Op::Xor;
        case op::kArsh: return Bin::Op::Arsh;
        case op::kMov:
            return off == 8 ? Bin::Op::MovSx8 : off == 16 ? Bin::Op::MovSx16 : off == 32 ? Bin::Op::MovSx32 : Bin::Op::Mov;
        default: throw std::invalid_argument("not a binary ALU operation");
    }
}

// ALU opcode field and offset selector of a binary operation.
std::pair<uint8_t, int16_t> bin_code(Bin::Op o) {
    switch (o) {
        case Bin::Op::Mov: return {op::kMov, 0};
        case Bin::Op::MovSx8: return {op::kMov, 8};
        case Bin::Op::MovSx16: return {op::kMov, 16};
        case Bin::Op::MovSx32: return {op::kMov, 32};
        case Bin::Op::Add: return {op::kAdd, 0};
        case Bin::Op::Sub: return {op::kSub, 0};
        case Bin::Op::Mul: return {op::kMul, 0};
        case Bin::Op::UDiv: return {op::kDiv, 0};
        case Bin::Op::SDiv: return {op::kDiv, 1};
        case Bin::Op::UMod: return {op::kMod, 0};
        case Bin::Op::SMod: return {op::kMod, 1};
        case Bin::Op::Or: return {op::kOr, 0};
        case Bin::Op::And: return {op::kAnd, 0};
        case Bin::Op::Lsh: return {op::kLsh, 0};
        case Bin::Op::Rsh: return {op::kRsh, 0};
        case Bin::Op::Arsh: return {op::kArsh, 0};
        case Bin::Op::Xor: return {op::kXor, 0};
    }
    throw std::logic_error("bad Bin::Op");
}

constexpr std::pair<uint8_t, Jmp::Cond> kConds[] = {
    {op::kJeq, Jmp::Cond::Eq},   {op::kJgt, Jmp::Cond::Gt},   {op::kJge, Jmp::Cond::Ge},
    {op::kJset, Jmp::Cond::Set}, {op::kJne, Jmp::Cond::Ne},   {op::kJsgt, Jmp::Cond::Sgt},
    {op::kJsge, Jmp::Cond::Sge}, {op::kJlt, Jmp::Cond::Lt},   {op::kJle, Jmp::Cond::Le},
    {op::kJslt, Jmp::Cond::Slt}, {op::kJsle, Jmp::Cond::Sle},
};

uint8_t size_code(int width) {
    switch (width) {
        case 1: return op::kSizeB;
        case 2: return op::kSizeH;
        case 4: return op::kSizeW;
        case 8: return op::kSizeDW;
    }
    throw std::logic_error("bad access width");
}

RawInsn raw(uint8_t opcode, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    RawInsn r;
    r.opcode = opcode;
    r.dst = dst;
    r.src = src;
    r.off = off;
    r.imm = imm;
    return r;
}

}  // namespace

Instruction decode_one(const RawInsn& i, const RawInsn* next, size_t pc) {
    if (!find_spec(i)) throw std::invalid_argument("instruction " + std::to_string(pc) + ": unknown opcode");
    const uint8_t cls = op::cls(i.opcode);
    const Reg dst{i.dst}, src{i.src};
    const Value v = op::src_bit(i.opcode) == op::kSrcX ? Value{src} : Value{Imm{i.imm}};
    switch (cls) {
        case op::kClsAlu:
        case op::kClsAlu64: {
            const bool is64 = cls == op::kClsAlu64;
            const uint8_t code = op::alu_op(i.opcode);
            if (code == op::kNeg) return Un{Un::Op::Neg, dst, is64};
            if (code == op::kEnd) {
                const int w = i.imm;
                if (is64) return Un{w == 16 ? Un::Op::Swap16 : w == 32 ? Un::Op::Swap32 : Un::Op::Swap64, dst, true};
                if (op::src_bit(i.opcode) == op::kSrcK)
                    return Un{w == 16 ? Un::Op::Le16 : w == 32 ? Un::Op::Le32 : Un::Op::Le64, dst, false};
                return Un{w == 16 ? Un::Op::Be16 : w == 32 ? Un::Op::Be32 : Un::Op::Be64, dst, false};
            }
            return Bin{bin_op(code, i.off), dst, v, is64};
        }
        case op::kClsJmp:
        case op::kClsJmp32: {
            const uint8_t code = op::alu_op(i.opcode);
            const bool is32 = cls == op::kClsJmp32;
            if (code == op::kJa)
                return Jmp{Jmp::Cond::Always, Reg{0}, Imm{0}, is32, *branch_target(i, pc)};
            if (code == op::kExit) return Exit{};
            if (code == op::kCall) {
                if (op::src_bit(i.opcode) == op::kSrcX) return Callx{dst};
                if (i.src == op::kCallLocal) return CallLocal{*branch_target(i, pc)};
                if (i.src == op::kCallKfunc) return CallKfunc{i.imm};
                return Call{i.imm};
            }
            for (auto [c, cond] : kConds)
                if (c == code) return Jmp{cond, dst, v, is32, *branch_target(i, pc)};
            break;
        }
        case op::kClsLd: {
            const uint8_t mode = op::mem_mode(i.opcode);
            if (mode == op::kModeImm) {
                if (!next) throw std::invalid_argument("instruction " + std::to_string(pc) + ": lddw without second half");
                return LoadImm64{dst, i.src, i.imm, next->imm};
            }
            return PacketLoad{static_cast<uint8_t>(op::size_bytes(op::mem_size(i.opcode))), mode == op::kModeInd, src,
                              i.imm};
        }
        case op::kClsLdx:
            return Load{dst, src, i.off, static_cast<uint8_t>(op::size_bytes(op::mem_size(i.opcode))),
                        op::mem_mode(i.opcode) == op::kModeMemSx};
        case op::kClsSt:
            return Store{dst, i.off, static_cast<uint8_t>(op::size_bytes(op::mem_size(i.opcode))), Imm{i.imm}};
        case op::kClsStx: {
            const uint8_t width = static_cast<uint8_t>(op::size_bytes(op::mem_size(i.opcode)));
            if (op::mem_mode(i.opcode) == op::kModeAtomic) {
                const int32_t base_op = i.imm & ~op::kAtomicFetch;
                Atomic::Op aop = Atomic::Op::Add;
                if (i.imm == op::kAtomicXchg) aop = Atomic::Op::Xchg;
                else if (i.imm == op::kAtomicCmpXchg) aop = Atomic::Op::CmpXchg;
                else if (base_op == op::kOr) aop = Atomic::Op::Or;
                else if (base_op == op::kAnd) aop = Atomic::Op::And;
                else if (base_op == op::kXor) aop = Atomic::Op::Xor;
                return Atomic{aop, (i.imm & op::kAtomicFetch) != 0, dst, i.off, src, width};
            }
            return Store{dst, i.off, width, Reg{i.src}};
        }
    }
    throw std::invalid_argument("instruction " + std::to_string(pc) + ": cannot decode");
}

IrProgram decode(std::span<const RawInsn> raw) {
    auto errors = validate(raw);
    if (!errors.empty()) throw std::invalid_argument(errors.front());
    IrProgram p;
    p.index_of_pc.assign(raw.size(), -1);
    for (size_t pc = 0; pc < raw.size(); ++pc) {
        const RawInsn* next = pc + 1 < raw.size() ? &raw[pc + 1] : nullptr;
        p.index_of_pc[pc] = static_cast<int32_t>(p.insns.size());
        p.insns.push_back({static_cast<uint32_t>(pc), decode_one(raw[pc], next, pc)});
        if (std::holds_alternative<LoadImm64>(p.insns.back().ins)) ++pc;
    }
    return p;
}

std::vector<RawInsn> encode(const Instruction& ins, size_t pc) {
    auto rel = [pc](int64_t target) { return target - static_cast<int64_t>(pc) - 1; };
    auto src_of = [](const Value& v) -> std::pair<uint8_t, int32_t> {
        if (auto r = std::get_if<Reg>(&v)) return {r->v, 0};
        return {0, static_cast<int32_t>(std::get<Imm>(v).v)};
    };
    auto src_bit = [](const Value& v) { return std::holds_alternative<Reg>(v) ? op::kSrcX : op::kSrcK; };
    return std::visit(
        [&](const auto& x) -> std::vector<RawInsn> {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Bin>) {
                auto [code, off] = bin_code(x.op);
                auto [s, imm] = src_of(x.v);
                return {raw((x.is64 ? op::kClsAlu64 : op::kClsAlu) | code | src_bit(x.v), x.dst.v, s, off, imm)};
            } else if constexpr (std::is_same_v<T, Un>) {
                switch (x.op) {
                    case Un::Op::Neg: return {raw((x.is64 ? op::kClsAlu64 : op::kClsAlu) | op::kNeg, x.dst.v, 0, 0, 0)};
                    case Un::Op::Le16: return {raw(op::kClsAlu | op::kEnd | op::kSrcK, x.dst.v, 0, 0, 16)};
                    case Un::Op::Le32: return {raw(op::kClsAlu | op::kEnd | op::kSrcK, x.dst.v, 0, 0, 32)};
                    case Un::Op::Le64: return {raw(op::kClsAlu | op::kEnd | op::kSrcK, x.dst.v, 0, 0, 64)};
                    case Un::Op::Be16: return {raw(op::kClsAlu | op::kEnd | op::kSrcX, x.dst.v, 0, 0, 16)};
                    case Un::Op::Be32: return {raw(op::kClsAlu | op::kEnd | op::kSrcX, x.dst.v, 0, 0, 32)};
                    case Un::Op::Be64: return {raw(op::kClsAlu | op::kEnd | op::kSrcX, x.dst.v, 0, 0, 64)};
                    case Un::Op::Swap16: return {raw(op::kClsAlu64 | op::kEnd, x.dst.v, 0, 0, 16)};
                    case Un::Op::Swap32: return {raw(op::kClsAlu64 | op::kEnd, x.dst.v, 0, 0, 32)};
                    case Un::Op::Swap64: return {raw(op::kClsAlu64 | op::kEnd, x.dst.v, 0, 0, 64)};
                }
                throw std::logic_error("bad Un::Op");
            } else if constexpr (std::is_same_v<T, LoadImm64>) {
                return {raw(op::kClsLd | op::kModeImm | op::kSizeDW, x.dst.v, x.pseudo, 0, x.imm_lo),
                        raw(0, 0, 0, 0, x.imm_hi)};
            } else if constexpr (std::is_same_v<T, Load>) {
                return {raw(op::kClsLdx | (x.sign_ext ? op::kModeMemSx : op::kModeMem) | size_code(x.width), x.dst.v,
                            x.base.v, x.off, 0)};
            } else if constexpr (std::is_same_v<T, Store>) {
                if (auto r = std::get_if<Reg>(&x.v))
                    return {raw(op::kClsStx | op::kModeMem | size_code(x.width), x.base.v, r->v, x.off, 0)};
                return {raw(op::kClsSt | op::kModeMem | size_code(x.width), x.base.v, 0, x.off,
                            static_cast<int32_t>(std::get<Imm>(x.v).v))};
            } else if constexpr (std::is_same_v<T, Atomic>) {
                int32_t imm = 0;
                switch (x.op) {
                    case Atomic::Op::Add: imm = op::kAdd; break;
                    case Atomic::Op::Or: imm = op::kOr; break;
                    case Atomic::Op::And: imm = op::kAnd; break;
                    case Atomic::Op::Xor: imm = op::kXor; break;
                    case Atomic::Op::Xchg: imm = op::kAtomicXchg & ~op::kAtomicFetch; break;
                    case Atomic::Op::CmpXchg: imm = op::kAtomicCmpXchg & ~op::kAtomicFetch; break;
                }
                if (x.fetch) imm |= op::kAtomicFetch;
                return {raw(op::kClsStx | op::kModeAtomic | size_code(x.width), x.base.v, x.src.v, x.off, imm)};
            } else if constexpr (std::is_same_v<T, PacketLoad>) {
                return {raw(op::kClsLd | (x.indirect ? op::kModeInd : op::kModeAbs) | size_code(x.width), 0,
                            x.indirect ? x.src.v : 0, 0, x.imm)};
            } else if constexpr (std::is_same_v<T, Jmp>) {
                const uint8_t cls = x.is32 ? op::kClsJmp32 : op::kClsJmp;
                if (x.cond == Jmp::Cond::Always) {
                    if (x.is32) return {raw(op::kClsJmp32 | op::kJa, 0, 0, 0, static_cast<int32_t>(rel(x.target)))};
                    return {raw(op::kClsJmp | op::kJa, 0, 0, static_cast<int16_t>(rel(x.target)), 0)};
                }
                uint8_t code = 0;
                for (auto [c, cond] : kConds)
                    if (cond == x.cond) code = c;
                auto [s, imm] = src_of(x.right);
                return {raw(cls | code | src_bit(x.right), x.left.v, s, static_cast<int16_t>(rel(x.target)), imm)};
            } else if constexpr (std::is_same_v<T, Call>) {
                return {raw(op::kClsJmp | op::kCall, 0, op::kCallHelper, 0, x.helper)};
            } else if constexpr (std::is_same_v<T, CallLocal>) {
                return {raw(op::kClsJmp | op::kCall, 0, op::kCallLocal, 0, static_cast<int32_t>(rel(x.target)))};
            } else if constexpr (std::is_same_v<T, CallKfunc>) {
                return {raw(op::kClsJmp | op::kCall, 0, op::kCallKfunc, 0, x.btf_id)};
            } else if constexpr (std::is_same_v<T, Callx>) {
                return {raw(op::kClsJmp | op::kCall | op::kSrcX, x.reg.v, 0, 0, 0)};
            } else {
                static_assert(std::is_same_v<T, Exit>);
                return {raw(op::kClsJmp | op::kExit, 0, 0, 0, 0)};
            }
        },
        ins);
}

std::vector<RawInsn> encode(const IrProgram& prog) {
    std::vector<RawInsn> out;
    for (const IrInsn& i : prog.insns) {
        auto r = encode(i.ins, i.pc);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

const char* op_name(Bin::Op o) {
    static const char* const n[] = {"mov", "movsx8", "movsx16", "movsx32", "add", "sub", "mul", "div", "sdiv",
                                    "mod", "smod",   "or",      "and",     "lsh", "rsh", "arsh", "xor"};
    return n[static_cast<int>(o)];
}
const char* op_name(Un::Op o) {
    static const char* const n[] = {"neg", "le16", "le32", "le64", "be16", "be32", "be64", "bswap16", "bswap32", "bswap64"};
    return n[static_cast<int>(o)];
}
const char* op_name(Atomic::Op o) {
    static const char* const n[] = {"add", "or", "and", "xor", "xchg", "cmpxchg"};
    return n[static_cast<int>(o)];
}
const char* cond_name(Jmp::Cond c) {
    static const char* const n[] = {"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "jlt", "jle", "jslt", "jsle"};
    return n[static_cast<int>(c)];
}

}  // namespace bpfnic
