// SPDX-License-Identifier: MIT
// The project's intermediate representation of eBPF: each instruction a plain struct, the
// instruction a std::variant of them (PREVAIL style). Decoded from validated raw instructions and
// encoded back bit-exactly. Jump and call targets are absolute slot indices of the raw program (an
// lddw covers two slots), so IR and raw programs share one addressing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "compiler/isa.h"

namespace bpfnic {

struct Reg {
    uint8_t v = 0;
    bool operator==(const Reg&) const = default;
};
struct Imm {
    int64_t v = 0;  ///< sign-extended imm32
    bool operator==(const Imm&) const = default;
};
using Value = std::variant<Reg, Imm>;

/// dst = dst OP v (or dst = v for moves). 32-bit forms zero-extend the result.
struct Bin {
    enum class Op : uint8_t { Mov, MovSx8, MovSx16, MovSx32, Add, Sub, Mul, UDiv, SDiv, UMod, SMod, Or, And, Lsh, Rsh, Arsh, Xor };
    Op op;
    Reg dst;
    Value v;
    bool is64;
    bool operator==(const Bin&) const = default;
};

/// Unary operations on dst: negation and byte swaps.
struct Un {
    enum class Op : uint8_t { Neg, Le16, Le32, Le64, Be16, Be32, Be64, Swap16, Swap32, Swap64 };
    Op op;
    Reg dst;
    bool is64;  ///< Neg only
    bool operator==(const Un&) const = default;
};

/// lddw: dst = imm64, or a reference resolved by the loader (map, map value, function).
struct LoadImm64 {
    Reg dst;
    uint8_t pseudo;  ///< op::kPseudo*
    int32_t imm_lo;  ///< value low half, or map index/fd
    int32_t imm_hi;  ///< value high half, or offset into the map value
    uint64_t value() const { return (static_cast<uint64_t>(static_cast<uint32_t>(imm_hi)) << 32) | static_cast<uint32_t>(imm_lo); }
    bool operator==(const LoadImm64&) const = default;
};

/// dst = *(width *)(base + off), zero- or sign-extended.
struct Load {
    Reg dst;
    Reg base;
    int16_t off;
    uint8_t width;  ///< bytes: 1, 2, 4, 8
    bool sign_ext;
    bool operator==(const Load&) const = default;
};

/// *(width *)(base + off) = v.
struct Store {
    Reg base;
    int16_t off;
    uint8_t width;
    Value v;
    bool operator==(const Store&) const = default;
};

/// Atomic read-modify-write on *(width *)(base + off) with src; fetch forms return the old value in
/// src (cmpxchg compares with r0 and returns the old value in r0).
struct Atomic {
    enum class Op : uint8_t { Add, Or, And, Xor, Xchg, CmpXchg };
    Op op;
    bool fetch;
    Reg base;
    int16_t off;
    Reg src;
    uint8_t width;  ///< 4 or 8
    bool operator==(const Atomic&) const = default;
};

/// Legacy packet load: r0 = ntoh(*(width *)(skb->data + [src +] imm)).
struct PacketLoad {
    uint8_t width;
    bool indirect;
    Reg src;
    int32_t imm;
    bool operator==(const PacketLoad&) const = default;
};

/// Conditional or unconditional jump to an absolute slot index.
struct Jmp {
    enum class Cond : uint8_t { Always, Eq, Gt, Ge, Set, Ne, Sgt, Sge, Lt, Le, Slt, Sle };
    Cond cond;
    Reg left;
    Value right;
    bool is32;     ///< JMP32 comparison (for Always: the gotol form with the offset in imm)
    int64_t target;
    bool operator==(const Jmp&) const = default;
};

struct Call {  ///< helper call by id
    int32_t helper;
    bool operator==(const Call&) const = default;
};
struct CallLocal {  ///< bpf-to-bpf call
    int64_t target;
    bool operator==(const CallLocal&) const = default;
};
struct CallKfunc {  ///< kernel function call (BTF id): no engine runs these
    int32_t btf_id;
    bool operator==(const CallKfunc&) const = default;
};
struct Callx {  ///< call of the helper whose id is in a register
    Reg reg;
    bool operator==(const Callx&) const = default;
};
struct Exit {
    bool operator==(const Exit&) const = default;
};

using Instruction =
    std::variant<Bin, Un, LoadImm64, Load, Store, Atomic, PacketLoad, Jmp, Call, CallLocal, CallKfunc, Callx, Exit>;

/// An instruction with its slot index in the raw program.
struct IrInsn {
    uint32_t pc;
    Instruction ins;
};

/// A decoded program: instructions in order, and for each raw slot the index into insns (-1 for
/// the second slot of an lddw).
struct IrProgram {
    std::vector<IrInsn> insns;
    std::vector<int32_t> index_of_pc;
};

/// Decodes a program that passed validate(); throws std::invalid_argument otherwise.
IrProgram decode(std::span<const RawInsn> raw);
/// One instruction (two slots for lddw: next must then hold the second half).
Instruction decode_one(const RawInsn& insn, const RawInsn* next, size_t pc);
/// Encodes back to raw slots (two for LoadImm64), bit-exact with what decode read.
std::vector<RawInsn> encode(const Instruction& ins, size_t pc);
std::vector<RawInsn> encode(const IrProgram& prog);

/// Number of raw slots an instruction occupies.
inline size_t slots(const Instruction& ins) { return std::holds_alternative<LoadImm64>(ins) ? 2 : 1; }

const char* op_name(Bin::Op op);
const char* op_name(Un::Op op);
const char* op_name(Atomic::Op op);
const char* cond_name(Jmp::Cond c);

}  // namespace bpfnic
