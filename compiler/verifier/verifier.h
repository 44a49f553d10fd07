// SPDX-License-Identifier: MIT
// The eBPF verifier: abstract interpretation of every path of a program (kernel / PREVAIL style)
// with state pruning and a complexity budget. Accepts only programs whose every memory access is
// in bounds, that read no uninitialised register or stack byte, check map lookups for NULL, call
// helpers with arguments of the right types, leak no pointers, terminate, and return a valid
// verdict; exports per-instruction facts (register types and ranges, known constants, packet
// bounds checks proven redundant) for the compiler.
//
// Conformance platform (ProgType::Unspec): programs are called with r1 = pointer to raw memory and
// r2 = its length. With VerifierOptions::mem_size set, r1 is memory of exactly that many bytes,
// r2 that constant, and every access is checked. Without it the memory size is unknown and the
// verifier is lenient: accesses through r1 at non-negative offsets are accepted unchecked (the
// caller guarantees the size), r2 is an unknown scalar.
//
// Differences from the kernel worth knowing: scalars are always tracked precisely (no precision
// back-propagation, so pruning is by range inclusion of every live register); stack accesses of
// scalars need no alignment (spills of pointers do); a packet pointer read after a helper that
// moves the packet is an uninitialised register; XDP programs must return 0..4. Loads from
// read-only maps (.rodata) at constant offsets give the constant of MapDef::initial_data, as the
// kernel does for frozen maps: verify with the contents the program will run with.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/platform.h"
#include "compiler/program.h"
#include "compiler/verifier/scalar.h"
#include "compiler/verifier/state.h"

namespace bpfnic {

struct VerifierOptions {
    uint64_t insn_budget = 1000000;       ///< instructions processed before giving up
    int log_level = 0;                    ///< 0: none; 1: branch points and pruning; 2: every instruction
    size_t max_log_bytes = 8u << 20;      ///< the log is cut beyond this
    std::optional<uint32_t> mem_size;     ///< conformance platform: size of the memory r1 points to
    bool collect_facts = true;
};

/// What the verifier knows about one register just before an instruction, joined over every
/// state that reached it.
struct RegFact {
    verifier::RegType type = verifier::RegType::NotInit;
    bool mixed = false;          ///< different types on different paths (type is then meaningless)
    bool off_varies = false;     ///< pointers: the fixed offset differs between paths (off is one of them)
    int32_t off = 0;             ///< pointers: fixed offset
    int32_t map = -1;            ///< map pointers: map index (-1 when it differs)
    int32_t range = 0;           ///< packet pointers: smallest proven range seen
    verifier::Scalar value;      ///< scalars: the value; pointers: the variable offset

    std::optional<uint64_t> known_const() const {
        if (type == verifier::RegType::Scalar && !mixed && value.is_const()) return value.value();
        return std::nullopt;
    }
};

struct InsnFacts {
    bool reached = false;
    uint32_t visits = 0;                 ///< states that executed this instruction
    std::array<RegFact, 11> regs;        ///< the current frame's registers before the instruction
    bool is_packet_check = false;        ///< a conditional jump comparing a packet pointer with its end
    bool branch_taken = false;           ///< conditional jumps: some state took the branch
    bool branch_fallthrough = false;     ///< conditional jumps: some state fell through

    /// A packet bounds check whose outcome is the same on every path: the compiler may drop it.
    bool packet_check_redundant() const { return is_packet_check && reached && (branch_taken != branch_fallthrough); }
};

struct Facts {
    std::vector<InsnFacts> insns;  ///< by slot index (an lddw's second slot is never reached)
};

struct VerifierStats {
    uint64_t insns_processed = 0;
    uint64_t states_stored = 0;    ///< checkpoints kept for pruning
    uint64_t states_pruned = 0;    ///< paths cut because a stored state covered them
    uint64_t peak_states = 0;      ///< most pending branch states at once
    uint64_t max_call_depth = 0;
    double seconds = 0;
};

struct VerifierResult {
    bool ok = false;
    /// First rejection: "instruction N: <insn> : <reason>", then a line with the state of the
    /// registers involved ("  R1=pkt(id=0,off=14,r=0) R2=pkt_end"). Empty when ok.
    std::string error;
    int64_t error_pc = -1;  ///< instruction index of the rejection, -1 for whole-program problems
    std::string reason;     ///< the reason alone
    std::string log;        ///< explored states at the requested level
    Facts facts;
    VerifierStats stats;

    /// The first line of error (without the register state).
    std::string headline() const { return error.substr(0, error.find('\n')); }
};

VerifierResult verify(const Program& prog, const std::vector<MapDef>& maps, const Platform& platform,
                      const VerifierOptions& opts = {});

/// One line of statistics, as a log's last line: "processed 668 insns (limit 1000000), states
/// stored 63, pruned 23, peak pending 5, call depth 1, 0.166 ms".
std::string stats_line(const VerifierResult& r, const VerifierOptions& opts = {});

}  // namespace bpfnic
