// SPDX-License-Identifier: MIT
// The eBPF instruction set (RFC 9669) as data: the raw instruction word, the opcode field constants
// and one table with a row per instruction form. Every validity check of the project (loader,
// assembler, verifier, RTL decoder tests) reads this table, so they cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bpfnic {

/// One 64-bit instruction slot, byte-compatible with the kernel's struct bpf_insn (little-endian).
struct RawInsn {
    uint8_t opcode = 0;
    uint8_t dst : 4 = 0;
    uint8_t src : 4 = 0;
    int16_t off = 0;
    int32_t imm = 0;

    bool operator==(const RawInsn&) const = default;
};
static_assert(sizeof(RawInsn) == 8);

namespace op {
// Instruction classes (low 3 bits).
inline constexpr uint8_t kClsLd = 0x00, kClsLdx = 0x01, kClsSt = 0x02, kClsStx = 0x03, kClsAlu = 0x04,
                         kClsJmp = 0x05, kClsJmp32 = 0x06, kClsAlu64 = 0x07;
// ALU operations (high 4 bits).
inline constexpr uint8_t kAdd = 0x00, kSub = 0x10, kMul = 0x20, kDiv = 0x30, kOr = 0x40, kAnd = 0x50,
                         kLsh = 0x60, kRsh = 0x70, kNeg = 0x80, kMod = 0x90, kXor = 0xa0, kMov = 0xb0,
                         kArsh = 0xc0, kEnd = 0xd0;
// Jump operations (high 4 bits).
inline constexpr uint8_t kJa = 0x00, kJeq = 0x10, kJgt = 0x20, kJge = 0x30, kJset = 0x40, kJne = 0x50,
                         kJsgt = 0x60, kJsge = 0x70, kCall = 0x80, kExit = 0x90, kJlt = 0xa0, kJle = 0xb0,
                         kJslt = 0xc0, kJsle = 0xd0;
// Source bit: immediate (K) or register (X). For END: to-little-endian (K) or to-big-endian (X).
inline constexpr uint8_t kSrcK = 0x00, kSrcX = 0x08;
// Memory sizes and modes.
inline constexpr uint8_t kSizeW = 0x00, kSizeH = 0x08, kSizeB = 0x10, kSizeDW = 0x18;
inline constexpr uint8_t kModeImm = 0x00, kModeAbs = 0x20, kModeInd = 0x40, kModeMem = 0x60,
                         kModeMemSx = 0x80, kModeAtomic = 0xc0;
// Atomic operations, in the imm field.
inline constexpr int32_t kAtomicFetch = 0x01, kAtomicXchg = 0xe0 | kAtomicFetch,
                         kAtomicCmpXchg = 0xf0 | kAtomicFetch;
// Pseudo sources of the 64-bit immediate load (src field of lddw).
inline constexpr uint8_t kPseudoImm64 = 0, kPseudoMapFd = 1, kPseudoMapValue = 2, kPseudoBtfId = 3,
                         kPseudoFunc = 4, kPseudoMapIdx = 5, kPseudoMapIdxValue = 6;
// Call kinds (src field of call).
inline constexpr uint8_t kCallHelper = 0, kCallLocal = 1, kCallKfunc = 2;

inline constexpr uint8_t cls(uint8_t opcode) { return opcode & 0x07; }
inline constexpr uint8_t alu_op(uint8_t opcode) { return opcode & 0xf0; }
inline constexpr uint8_t src_bit(uint8_t opcode) { return opcode & 0x08; }
inline constexpr uint8_t mem_size(uint8_t opcode) { return opcode & 0x18; }
inline constexpr uint8_t mem_mode(uint8_t opcode) { return opcode & 0xe0; }
inline constexpr int size_bytes(uint8_t size_field) {
    return size_field == kSizeB ? 1 : size_field == kSizeH ? 2 : size_field == kSizeW ? 4 : 8;
}
}  // namespace op

/// ISA conformance groups, as RFC 9669 section 2.4 names them.
enum class Group : uint8_t { Base32, Base64, Atomic32, Atomic64, Divmul32, Divmul64, PacketLegacy, Callx };
const char* group_name(Group g);

/// What a field of an instruction form may hold.
enum class Field : uint8_t {
    Zero,       ///< unused: must be zero
    Reg,        ///< a register number 0..10
    Any,        ///< any value (offsets, immediates)
    Selector,   ///< part of the form's identity: must equal InsnSpec::selector_value
    PseudoLd,   ///< lddw source: one of the kPseudo* values
    PseudoCall, ///< call source: helper, local or kfunc
};

/// One instruction form. Some opcodes have several forms told apart by a selector field
/// (sdiv by off=1, movsx by off=8/16/32, atomics by imm, bswap width by imm).
struct InsnSpec {
    uint8_t opcode;
    const char* mnemonic;     ///< the conformance suite's assembler name (e.g. "add32", "lock fetch add")
    Group group;
    Field dst, src, off, imm;
    int32_t selector_value;   ///< value the Selector field must hold
    bool wide;                ///< lddw: occupies two slots
};

/// All forms, in opcode order.
std::span<const InsnSpec> isa_table();

/// The form of an instruction, or nullptr when no form matches its opcode and selector fields.
const InsnSpec* find_spec(const RawInsn& insn);

/// Validity of every field of every instruction (unknown opcodes, registers above r10, non-zero
/// unused fields, lddw second half, jump targets inside the program and not into an lddw's second
/// half, a final instruction that is an exit or an unconditional jump). Returns one message per
/// problem, each starting with "instruction N: ".
std::vector<std::string> validate(std::span<const RawInsn> insns);

/// Raw bytes (little-endian, as in an ELF section) to instructions and back.
std::vector<RawInsn> insns_from_bytes(std::span<const uint8_t> bytes);
std::vector<uint8_t> insns_to_bytes(std::span<const RawInsn> insns);
/// One instruction as the little-endian 64-bit word it occupies in memory, and back.
RawInsn insn_from_word(uint64_t word);
uint64_t word_from_insn(const RawInsn& insn);

/// Jump offset decoding: the absolute target index of a jump or local call at index pc, or nullopt
/// when the instruction does not branch.
std::optional<int64_t> branch_target(const RawInsn& insn, size_t pc);

}  // namespace bpfnic
