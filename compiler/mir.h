// SPDX-License-Identifier: MIT
// The compiler's machine IR: a program as basic blocks of plain instruction structs, the IR's own
// (compiler/ir.h) plus the processor's extension forms (docs/isa-extensions.md). Jump and
// local-call targets are block indices here, not slot indices; every instruction remembers the
// slot it came from, so reports and images can point back at the source program.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "compiler/ir.h"
#include "compiler/platform.h"
#include "compiler/program.h"

namespace bpfnic {
struct Facts;
}

namespace bpfnic::mir {

/// dst = a OP b in one slot (fused `mov dst, a; op dst, b`). Single-cycle ALU operations only.
struct Alu3 {
    Bin::Op op;
    Reg dst;
    Reg a;
    Value b;
    bool is64;
    bool operator==(const Alu3&) const = default;
};

/// r0 = value; exit (the verdict and the exit in one slot).
struct ExitImm {
    int32_t value;
    bool operator==(const ExitImm&) const = default;
};

/// dst = the live value of an xdp_md field (index = byte offset / 4), read from the core's context
/// registers by any lane instead of a lane-0 load.
struct CtxRead {
    Reg dst;
    uint8_t field;
    bool operator==(const CtxRead&) const = default;
};

/// if left + k > right (unsigned, 64-bit) goto target: a packet bounds check in one slot (the
/// `t = p + k; if t > end` pair, the sum made in decode).
struct JmpAddGt {
    Reg left;
    int32_t k;
    Reg right;
    int64_t target;
    bool operator==(const JmpAddGt&) const = default;
};

/// dst = a 48-bit constant in one slot any lane can run (map window addresses, which a `mov`
/// cannot hold and an lddw would take two lane-0 slots for).
struct MovWide {
    Reg dst;
    uint64_t value;  ///< below 2^48
    bool operator==(const MovWide&) const = default;
};

using Op = std::variant<Bin, Un, LoadImm64, Load, Store, Atomic, Jmp, Call, CallLocal, Exit, Alu3, ExitImm, CtxRead,
                        JmpAddGt, MovWide>;

struct Insn {
    Op op;
    int32_t pc = -1;  ///< source slot index (-1: made by a pass)
};

/// One bundle: a slot per lane (empty: NOP). An lddw in lane 0 takes its upper half from the next
/// bundle's lane-0 imm, so that bundle's lane 0 carries `carry_hi` instead of an instruction.
struct Bundle {
    std::vector<std::optional<Insn>> lane;
    std::optional<int32_t> carry_hi;
};

struct Block {
    uint32_t start_pc = 0;        ///< source slot of the block's first instruction
    std::vector<Insn> insns;      ///< a Jmp, Exit or ExitImm may only be the last
    int32_t fallthrough = -1;     ///< block reached when the end is passed (-1: none)
    int32_t func = 0;             ///< index of the function (0: the entry program)
    std::vector<uint32_t> succs;  ///< control successors (filled by the cfg pass)
    std::vector<uint32_t> preds;
    int32_t idom = -1;            ///< immediate dominator (-1: function entry or unreachable)
    std::vector<Bundle> bundles;  ///< the schedule (filled by the schedule pass)
};

/// Register sets as bit masks (bit n: rn).
using RegMask = uint16_t;
inline constexpr RegMask reg_bit(Reg r) { return static_cast<RegMask>(1u << r.v); }
inline constexpr RegMask kCallerSaved = 0x3f;  // r0..r5

struct Module {
    std::string name;
    const Platform* platform = nullptr;
    std::vector<MapDef> maps;
    std::vector<Block> blocks;        ///< in layout order; block 0 is the entry
    std::vector<uint32_t> func_entry; ///< first block of each function
    const Facts* facts = nullptr;     ///< verifier facts by source slot (may be null)
};

/// Builds the blocks of a decoded, verified program.
Module build_module(const Program& prog, const std::vector<MapDef>& maps, const Platform& platform,
                    const Facts* facts);

/// Registers an instruction reads and writes. Calls write r0 and clobber r1..r5 (`clobbers`).
RegMask uses(const Op& op, const Platform& platform);
RegMask defs(const Op& op);
RegMask clobbers(const Op& op);

bool is_terminator(const Op& op);
/// No effect but its register result: removable when the result is dead.
bool is_pure(const Op& op);
/// Needs lane 0 (memory port, branch unit, divider, helper port).
bool needs_lane0(const Op& op);
size_t count_insns(const Module& m);

/// Name of an xdp_md field by CtxRead index ("data", "data_end", ...); "" for an unknown index.
const char* ctx_field_name(unsigned field);

std::string format(const Op& op);
/// The whole module, one block per paragraph (the --dump-after output).
std::string dump(const Module& m);

}  // namespace bpfnic::mir
