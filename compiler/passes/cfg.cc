// SPDX-License-Identifier: MIT
// cfg: control-flow graph and dominance. Fills every block's successors and predecessors, drops
// jumps to the next block in layout (they become fall-throughs), empties blocks that no path from
// the entry reaches, and computes immediate dominators per function (Cooper, Harvey and Kennedy's
// iterative algorithm over reverse post-order). Passes that change control flow run it again.
#include <algorithm>
#include <functional>

#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

void link(Module& m) {
    for (Block& b : m.blocks) {
        b.succs.clear();
        b.preds.clear();
        b.idom = -1;
    }
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        if (!b.insns.empty()) {
            if (auto j = std::get_if<Jmp>(&b.insns.back().op)) b.succs.push_back(static_cast<uint32_t>(j->target));
            if (auto j = std::get_if<JmpAddGt>(&b.insns.back().op)) b.succs.push_back(static_cast<uint32_t>(j->target));
        }
        if (b.fallthrough >= 0 && std::find(b.succs.begin(), b.succs.end(), b.fallthrough) == b.succs.end())
            b.succs.push_back(static_cast<uint32_t>(b.fallthrough));
        for (uint32_t s : b.succs) m.blocks[s].preds.push_back(static_cast<uint32_t>(bi));
    }
}

// A jump to the block laid out next (through empty blocks) is a fall-through.
size_t drop_jumps_to_next(Module& m) {
    size_t dropped = 0;
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        if (b.insns.empty()) continue;
        auto* j = std::get_if<Jmp>(&b.insns.back().op);
        if (!j) continue;
        size_t next = bi + 1;
        // Empty blocks emit no bundles: the next bundle is the first of the next non-empty block.
        while (next < m.blocks.size() && m.blocks[next].insns.empty() && static_cast<size_t>(j->target) != next)
            ++next;
        if (static_cast<size_t>(j->target) != next || next >= m.blocks.size()) continue;
        // Conditional or not, both ways lead to the next bundle.
        const int32_t target = j->target;
        b.insns.pop_back();
        b.fallthrough = target;
        ++dropped;
    }
    return dropped;
}

std::vector<bool> reachable(const Module& m) {
    std::vector<bool> seen(m.blocks.size(), false);
    std::vector<uint32_t> work = {0};
    seen[0] = true;
    while (!work.empty()) {
        const uint32_t b = work.back();
        work.pop_back();
        auto visit = [&](uint32_t s) {
            if (!seen[s]) seen[s] = true, work.push_back(s);
        };
        for (uint32_t s : m.blocks[b].succs) visit(s);
        for (const Insn& in : m.blocks[b].insns)
            if (auto c = std::get_if<CallLocal>(&in.op)) visit(static_cast<uint32_t>(c->target));
    }
    return seen;
}

void dominators(Module& m, uint32_t entry) {
    std::vector<uint32_t> rpo;
    std::vector<int32_t> order(m.blocks.size(), -1);
    std::vector<bool> done(m.blocks.size(), false);
    std::function<void(uint32_t)> dfs = [&](uint32_t b) {
        done[b] = true;
        for (uint32_t s : m.blocks[b].succs)
            if (!done[s]) dfs(s);
        rpo.push_back(b);
    };
    dfs(entry);
    std::reverse(rpo.begin(), rpo.end());
    for (size_t i = 0; i < rpo.size(); ++i) order[rpo[i]] = static_cast<int32_t>(i);
    std::vector<int32_t> idom(m.blocks.size(), -1);
    idom[entry] = static_cast<int32_t>(entry);
    auto intersect = [&](int32_t a, int32_t b) {
        while (a != b) {
            while (order[a] > order[b]) a = idom[a];
            while (order[b] > order[a]) b = idom[b];
        }
        return a;
    };
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 1; i < rpo.size(); ++i) {
            const uint32_t b = rpo[i];
            int32_t d = -1;
            for (uint32_t p : m.blocks[b].preds) {
                if (order[p] < 0 || idom[p] < 0) continue;
                d = d < 0 ? static_cast<int32_t>(p) : intersect(static_cast<int32_t>(p), d);
            }
            if (d >= 0 && idom[b] != d) idom[b] = d, changed = true;
        }
    }
    for (size_t i = 1; i < rpo.size(); ++i) m.blocks[rpo[i]].idom = idom[rpo[i]];
}

}  // namespace

void cfg(Module& m, const PassOptions&, PassStats& s) {
    link(m);
    const auto live = reachable(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi)
        if (!live[bi] && !m.blocks[bi].insns.empty()) {
            s.add("unreachable instructions removed", m.blocks[bi].insns.size());
            m.blocks[bi].insns.clear();
            m.blocks[bi].fallthrough = -1;
        }
    if (const size_t n = drop_jumps_to_next(m)) s.add("jumps to the next block removed", n);
    link(m);
    for (uint32_t e : m.func_entry) dominators(m, e);
}

}  // namespace bpfnic::passes
