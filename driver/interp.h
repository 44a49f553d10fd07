// SPDX-License-Identifier: MIT
// The golden model: a bounds-checking interpreter with the exact semantics of RFC 9669 (Linux
// behaviour where the RFC is silent). Every other engine is compared with it. It runs whole
// programs (Engine::run) or steps one instruction at a time for co-simulation.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/ir.h"
#include "driver/engine.h"

namespace bpfnic {

/// What one retired instruction did (the co-simulation checker compares these).
struct Retired {
    uint32_t pc = 0;            ///< slot index in the program that retired it
    uint32_t prog = 0;          ///< program index (changes on tail calls)
    RawInsn insn{};
    int dst_reg = -1;           ///< register written, or -1
    uint64_t dst_value = 0;
    bool mem = false;           ///< a memory access happened
    bool mem_write = false;
    uint64_t mem_addr = 0;
    uint64_t mem_value = 0;     ///< value loaded or stored (atomics: the value stored)
    uint8_t mem_width = 0;
    bool exited = false;        ///< the program finished with this instruction; r0 is the result
};

class Interpreter final : public Engine {
public:
    struct Options {
        bool check_bounds = true;         ///< fault on any access outside known regions
        uint64_t insn_budget = 1u << 26;  ///< instructions per run before a Runtime error
    };
    Interpreter() = default;
    explicit Interpreter(Options o) : opts_(o) {}

    const char* name() const override { return "interp"; }
    void load(const Object& obj, size_t entry, MapSet& maps, const Platform& platform) override;
    uint64_t run(ExecEnv& env, uint64_t r1, uint64_t r2) override;
    RunStats last_stats() const override { return {insns_, 0}; }

    // Stepping: begin(), then step() until it returns a Retired with exited set.
    void begin(ExecEnv& env, uint64_t r1, uint64_t r2);
    Retired step();
    bool finished() const { return finished_; }
    uint64_t reg(int r) const { return regs_[r]; }
    /// Base address of the stack memory (frame 0 ends at stack_base() + stack size).
    uint64_t stack_base() const { return reinterpret_cast<uint64_t>(stack_.data()); }

private:
    struct Frame {
        uint32_t prog;  // program to return into (tail calls may change the current one)
        uint32_t return_pc;
        uint64_t saved[4];  // r6..r9
    };
    struct Loaded {
        std::vector<RawInsn> raw;
        IrProgram ir;
    };

    uint64_t& R(Reg r) { return regs_[r.v]; }
    uint64_t val(const Value& v) const;
    void check_access(uint64_t addr, uint64_t n, bool write, uint32_t pc) const;
    uint64_t load_mem(uint64_t addr, int width, uint32_t pc, Retired& out);
    void store_mem(uint64_t addr, int width, uint64_t v, uint32_t pc, Retired& out);
    uint64_t lddw_value(const LoadImm64& l, uint32_t pc) const;
    [[noreturn]] void fault(uint32_t pc, const std::string& why) const;

    Options opts_;
    const Platform* platform_ = nullptr;
    const HelperTable* helpers_ = nullptr;
    MapSet* maps_ = nullptr;
    std::vector<Loaded> progs_;
    uint32_t entry_ = 0;

    // Run state.
    ExecEnv* env_ = nullptr;
    std::array<uint64_t, 11> regs_{};
    std::vector<uint8_t> stack_;  // max_call_depth frames of stack_size bytes
    std::vector<Frame> frames_;
    uint32_t cur_ = 0;  // program index
    uint32_t pc_ = 0;
    uint64_t raw_mem_ = 0, raw_len_ = 0;  // raw mode memory region
    uint64_t insns_ = 0;
    bool finished_ = true;
};

}  // namespace bpfnic
