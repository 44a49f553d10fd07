// SPDX-License-Identifier: MIT
// schedule: list scheduling of each block into bundles of `lanes` slots. Dependences: a register
// read after a write waits a bundle (the result is forwarded to the next one); a write after a
// read may share the read's bundle (all slots read before any writes); two writes of a register
// go to different bundles; memory operations and helper calls keep their order unless both are
// loads; context-register reads stay on their side of helper calls (which may move the packet);
// local calls are barriers. Lane 0 holds the memory port, branch unit, divider and helper port,
// so one such operation per bundle; an lddw also reserves the next bundle's lane 0 for its upper
// half. The block's jump or exit goes last, in the last bundle when its operands allow. Priority:
// the longest latency-weighted path to the block's end, a consumer of a load preferring not to
// sit right behind it (the core would stall a cycle there).
#include <algorithm>

#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

bool is_mem(const Op& op) {
    return std::holds_alternative<Load>(op) || std::holds_alternative<Store>(op) || std::holds_alternative<Atomic>(op) ||
           std::holds_alternative<Call>(op) || std::holds_alternative<CallLocal>(op);
}

struct Edge {
    uint32_t to;
    uint32_t lat;
};

struct Dag {
    std::vector<std::vector<Edge>> succ;
    std::vector<std::vector<Edge>> pred;
    std::vector<uint32_t> height;
    std::vector<bool> after_load;  // reads a load's result
};

// Latency of the dependence from i to a later j (-1: none).
int dependence(const Op& a, const Op& b, const Platform& p) {
    const RegMask da = defs(a), ua = uses(a, p), db = defs(b), ub = uses(b, p);
    int lat = -1;
    if (da & ub) lat = 1;
    if (da & db) lat = 1;
    if ((ua & db) && lat < 0) lat = 0;
    if (std::holds_alternative<CallLocal>(a) || std::holds_alternative<CallLocal>(b)) lat = 1;
    if (is_mem(a) && is_mem(b) && !(std::holds_alternative<Load>(a) && std::holds_alternative<Load>(b))) lat = 1;
    const bool ctx_a = std::holds_alternative<CtxRead>(a), ctx_b = std::holds_alternative<CtxRead>(b);
    if ((ctx_a && std::holds_alternative<Call>(b)) || (ctx_b && std::holds_alternative<Call>(a))) lat = 1;
    // A return switches the register window: callee-saved writes go before it, never beside it.
    const bool ret = std::holds_alternative<Exit>(b) || std::holds_alternative<ExitImm>(b);
    if (ret && (da & 0x3c0)) lat = 1;
    if (is_terminator(b) && lat < 0) lat = 0;
    return lat;
}

Dag build_dag(const std::vector<Insn>& insns, const Platform& p) {
    const size_t n = insns.size();
    Dag d{std::vector<std::vector<Edge>>(n), std::vector<std::vector<Edge>>(n), std::vector<uint32_t>(n, 0),
          std::vector<bool>(n, false)};
    for (size_t j = 0; j < n; ++j)
        for (size_t i = 0; i < j; ++i) {
            const int lat = dependence(insns[i].op, insns[j].op, p);
            if (lat < 0) continue;
            d.succ[i].push_back({static_cast<uint32_t>(j), static_cast<uint32_t>(lat)});
            d.pred[j].push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(lat)});
            if (std::holds_alternative<Load>(insns[i].op) && (defs(insns[i].op) & uses(insns[j].op, p)))
                d.after_load[j] = true;
        }
    for (size_t i = n; i-- > 0;) {
        uint32_t h = 1;
        for (const Edge& e : d.succ[i]) h = std::max(h, d.height[e.to] + e.lat + (std::holds_alternative<Load>(insns[i].op) ? 1u : 0u));
        d.height[i] = h;
    }
    return d;
}

class BlockScheduler {
public:
    BlockScheduler(const std::vector<Insn>& insns, unsigned lanes, const Platform& p)
        : insns_(insns), lanes_(lanes), dag_(build_dag(insns, p)), at_(insns.size(), -1) {}

    std::vector<Bundle> run() {
        const size_t n = insns_.size();
        size_t placed = 0;
        for (uint32_t cycle = 0; placed < n; ++cycle) {
            bundle(cycle);
            for (bool progress = true; progress && placed < n;) {
                progress = false;
                for (uint32_t c : candidates(cycle, placed)) {
                    if (place(c, cycle)) {
                        ++placed;
                        progress = true;
                        break;  // recompute: a same-bundle successor may have become ready
                    }
                }
            }
        }
        return std::move(bundles_);
    }

private:
    Bundle& bundle(uint32_t c) {
        while (bundles_.size() <= c) bundles_.push_back(Bundle{std::vector<std::optional<Insn>>(lanes_), std::nullopt});
        return bundles_[c];
    }

    bool ready(uint32_t i, uint32_t cycle, size_t placed) const {
        if (at_[i] >= 0) return false;
        if (is_terminator(insns_[i].op) && placed + 1 != insns_.size()) return false;
        for (const Edge& e : dag_.pred[i])
            if (at_[e.to] < 0 || static_cast<uint32_t>(at_[e.to]) + e.lat > cycle) return false;
        return true;
    }

    // Ready nodes, best first.
    std::vector<uint32_t> candidates(uint32_t cycle, size_t placed) const {
        std::vector<uint32_t> c;
        for (uint32_t i = 0; i < insns_.size(); ++i)
            if (ready(i, cycle, placed)) c.push_back(i);
        auto stalls = [&](uint32_t i) {
            if (!dag_.after_load[i]) return false;
            for (const Edge& e : dag_.pred[i])
                if (std::holds_alternative<Load>(insns_[e.to].op) && static_cast<uint32_t>(at_[e.to]) + 1 == cycle) return true;
            return false;
        };
        std::stable_sort(c.begin(), c.end(), [&](uint32_t a, uint32_t b) {
            if (stalls(a) != stalls(b)) return !stalls(a);
            if (dag_.height[a] != dag_.height[b]) return dag_.height[a] > dag_.height[b];
            return a < b;
        });
        return c;
    }

    bool place(uint32_t i, uint32_t cycle) {
        const Op& op = insns_[i].op;
        Bundle& b = bundle(cycle);
        const bool lane0_free = !b.lane[0] && !b.carry_hi;
        size_t lane = lanes_;
        if (needs_lane0(op)) {
            if (!lane0_free) return false;
            if (std::holds_alternative<LoadImm64>(op)) {
                Bundle& next = bundle(cycle + 1);
                if (next.lane[0] || next.carry_hi) return false;
                next.carry_hi = std::get<LoadImm64>(op).imm_hi;
            }
            lane = 0;
        } else {
            for (size_t l = 1; l < lanes_ && lane == lanes_; ++l)
                if (!bundles_[cycle].lane[l]) lane = l;
            if (lane == lanes_ && lane0_free) lane = 0;
            if (lane == lanes_) return false;
        }
        bundles_[cycle].lane[lane] = insns_[i];
        at_[i] = static_cast<int32_t>(cycle);
        return true;
    }

    const std::vector<Insn>& insns_;
    unsigned lanes_;
    Dag dag_;
    std::vector<int32_t> at_;
    std::vector<Bundle> bundles_;
};

}  // namespace

void schedule(Module& m, const PassOptions& o, PassStats& s) {
    uint64_t total = 0;
    for (Block& b : m.blocks) {
        b.bundles = BlockScheduler(b.insns, o.lanes, *m.platform).run();
        // A trailing bundle that only carries an lddw's upper half still counts.
        total += b.bundles.size();
    }
    s.add("bundles", total);
}

}  // namespace bpfnic::passes
