// SPDX-License-Identifier: MIT
// dead_stores: stack stores whose bytes are never read again. A backward liveness analysis over
// the 512 bytes of the frame: a load through a pointer the verifier proved to be r10 + constant
// reads exactly its bytes; a load or atomic through any other possible stack pointer, and any
// helper call that gets a stack pointer, read the whole frame; a store to known bytes kills them;
// exit ends the frame. A store none of whose bytes are live is removed (lane 0 is the memory
// port: every store costs a bundle slot there). The key stores of lookups that lower_lookups
// turned into addresses are the usual catch. Programs with bpf-to-bpf calls are left alone (a
// callee may read its caller's frame through a pointer argument).
#include <bitset>

#include "compiler/passes/pass.h"
#include "compiler/passes/stack_access.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;
using verifier::RegType;

namespace {

constexpr int kFrame = 512;
using Bytes = std::bitset<kFrame>;
constexpr Reg kFp{10};

enum class Where { NotStack, Known, Anywhere };

// Where `base + off` points for an instruction: a known frame offset, somewhere in the frame
// (unknown offset, or a register whose type differs between paths), or not into the stack.
Where locate(const Module& m, const Insn& in, Reg base, int16_t off, int& at) {
    if (base == kFp) {
        at = off;
        return Where::Known;
    }
    if (in.pc < 0) return Where::Anywhere;
    const RegFact& f = m.facts->insns.at(static_cast<size_t>(in.pc)).regs[base.v];
    if (f.mixed) return Where::Anywhere;
    if (f.type != RegType::Stack) return Where::NotStack;
    if (f.off_varies || !f.value.is_const()) return Where::Anywhere;
    at = f.off + static_cast<int>(static_cast<int64_t>(f.value.value())) + off;
    return Where::Known;
}

void set_range(Bytes& b, int at, int width, bool v) {
    for (int k = 0; k < width; ++k) {
        const int i = at + k + kFrame;
        if (i >= 0 && i < kFrame) b.set(static_cast<size_t>(i), v);
    }
}

bool any_in(const Bytes& b, int at, int width) {
    for (int k = 0; k < width; ++k) {
        const int i = at + k + kFrame;
        if (i < 0 || i >= kFrame || b.test(static_cast<size_t>(i))) return true;  // out of frame: keep
    }
    return false;
}

// One instruction, backwards: live holds the bytes live after it and becomes those live before.
// Returns true when the instruction is a store to dead bytes.
bool step(const Module& m, const Insn& in, Bytes& live) {
    int at = 0;
    if (const auto* st = std::get_if<Store>(&in.op)) {
        if (locate(m, in, st->base, st->off, at) != Where::Known) return false;
        if (!any_in(live, at, st->width)) return true;
        set_range(live, at, st->width, false);
    } else if (const auto* ld = std::get_if<Load>(&in.op)) {
        switch (locate(m, in, ld->base, ld->off, at)) {
            case Where::Known: set_range(live, at, ld->width, true); break;
            case Where::Anywhere: live.set(); break;
            case Where::NotStack: break;
        }
    } else if (const auto* a = std::get_if<Atomic>(&in.op)) {
        switch (locate(m, in, a->base, a->off, at)) {
            case Where::Known: set_range(live, at, a->width, true); break;
            case Where::Anywhere: live.set(); break;
            case Where::NotStack: break;
        }
    } else if (std::holds_alternative<Call>(in.op)) {
        if (call_gets_stack_pointer(m, in)) live.set();
    } else if (std::holds_alternative<Exit>(in.op) || std::holds_alternative<ExitImm>(in.op)) {
        live.reset();
    }
    return false;
}

}  // namespace

void dead_stores(Module& m, const PassOptions&, PassStats& s) {
    if (!m.facts || m.func_entry.size() > 1) return;
    for (const Block& b : m.blocks)
        for (const Insn& in : b.insns)
            if (std::holds_alternative<CallLocal>(in.op)) return;

    // Live bytes at each block's entry, to a fixed point (blocks visited last to first).
    std::vector<Bytes> live_in(m.blocks.size());
    auto live_out = [&](const Block& b) {
        Bytes out;
        for (uint32_t succ : b.succs) out |= live_in[succ];
        return out;
    };
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t bi = m.blocks.size(); bi-- > 0;) {
            const Block& b = m.blocks[bi];
            Bytes live = live_out(b);
            for (size_t i = b.insns.size(); i-- > 0;) step(m, b.insns[i], live);
            if (live != live_in[bi]) {
                live_in[bi] = live;
                changed = true;
            }
        }
    }
    for (Block& b : m.blocks) {
        Bytes live = live_out(b);
        std::vector<bool> dead(b.insns.size(), false);
        for (size_t i = b.insns.size(); i-- > 0;) dead[i] = step(m, b.insns[i], live);
        size_t w = 0;
        for (size_t i = 0; i < b.insns.size(); ++i) {
            if (dead[i]) {
                s.add("dead stack stores removed");
                continue;
            }
            b.insns[w++] = b.insns[i];
        }
        b.insns.resize(w);
    }
}

}  // namespace bpfnic::passes
