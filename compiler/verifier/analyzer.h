// SPDX-License-Identifier: MIT
// The abstract interpreter behind verify(): explores every path of the program depth-first from
// the entry state, stores states at prune points (jump targets, conditional fall-throughs,
// function entries) and cuts a path when a fully explored stored state covers it. Stored states
// still being explored detect exact repeats at loop heads (an infinite loop).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "compiler/ir.h"
#include "compiler/platform.h"
#include "compiler/program.h"
#include "compiler/verifier/cfg.h"
#include "compiler/verifier/state.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::verifier {

/// A rejection raised while interpreting one instruction.
struct Reject {
    std::string reason;
    std::string regs;  ///< state of the registers involved
};

class Analyzer {
public:
    Analyzer(const Program& prog, const IrProgram& ir, const Cfg& cfg, const std::vector<MapDef>& maps,
             const Platform& platform, const VerifierOptions& opts, VerifierResult& result);
    ~Analyzer();
    /// Explores every path; throws Reject (with pc() set) at the first unsafe instruction.
    void run();
    uint32_t pc() const { return pc_; }

private:
    struct Checkpoint {
        State st;
        Checkpoint* parent;
        int branches;
        uint32_t hits = 0;    ///< paths this state pruned
        uint32_t misses = 0;  ///< comparisons that failed once it was complete
    };
    struct Pending {
        State st;
        Checkpoint* parent;
        uint32_t from;
    };

    // Exploration.
    State initial_state() const;
    bool prune_or_store(State& s, Checkpoint*& parent);
    static void path_done(Checkpoint* parent);
    bool step(State& s, Checkpoint* parent);
    void record_facts(const State& s);
    void log_line(const std::string& line);

    // Instructions.
    void do_bin(State& s, const Bin& b);
    void do_un(State& s, const Un& u);
    void do_lddw(State& s, const LoadImm64& l);
    void do_load(State& s, const Load& l);
    void do_store(State& s, const Store& st);
    void do_atomic(State& s, const Atomic& a);
    bool do_jmp(State& s, const Jmp& j, Checkpoint* parent);
    void do_call(State& s, const Call& c);
    void do_call_local(State& s, const CallLocal& c);
    bool do_exit(State& s);

    // Branches.
    void check_cmp_operands(const State& s, const Jmp& j);
    bool assume(State& s, const Jmp& j, bool holds);
    bool assume_packet(State& s, int preg, int ereg, Jmp::Cond c, bool holds);
    void propagate_scalar(State& s, const RegState& r);
    void mark_null(State& s, uint32_t id, bool is_null);

    // Memory.
    enum class Access { Read, Write };
    RegState check_mem(State& s, int regno, int32_t off, int size, Access acc, const RegState* val, int val_regno,
                       bool sign_ext);
    RegState access_stack(State& s, const RegState& base, int regno, int64_t off, int size, Access acc,
                          const RegState* val, bool sign_ext);
    RegState access_map(const RegState& base, int regno, int64_t off, int size, Access acc, bool sign_ext);
    void check_range_mem(State& s, int regno, uint64_t size, bool write, const char* what);
    void check_packet_range(const RegState& base, int regno, int64_t off, int64_t size);
    void write_stack_bytes(Frame& fr, int64_t idx, int size, Slot kind);
    void invalidate_packet(State& s);

    // Registers.
    const RegState& read(const State& s, int regno);
    void check_writable(int regno);
    [[noreturn]] void reject(const std::string& reason, std::initializer_list<int> regs = {});
    std::string describe(const RegState& r) const;
    uint32_t new_id() { return ++last_id_; }

    const Program& prog_;
    const IrProgram& ir_;
    const Cfg& cfg_;
    const std::vector<MapDef>& maps_;
    const Platform& platform_;
    const VerifierOptions& opts_;
    VerifierResult& result_;
    PrintCtx print_;

    std::vector<std::unique_ptr<Checkpoint>> arena_;       // every checkpoint (parents outlive eviction)
    std::vector<std::vector<Checkpoint*>> checkpoints_;  // by pc: the ones still compared against
    std::vector<uint32_t> stored_at_;                     // by pc: checkpoints ever stored there
    std::vector<Pending> pending_;
    const State* cur_ = nullptr;  // for rejection messages
    uint32_t pc_ = 0;
    uint32_t last_id_ = 0;
    bool log_full_ = false;
};

}  // namespace bpfnic::verifier
