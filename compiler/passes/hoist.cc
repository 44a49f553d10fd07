// SPDX-License-Identifier: MIT
// hoist: code motion into predecessors, so a block's work can fill the lanes beside its
// predecessor's branch. A block S with a single predecessor P (same function, not a function
// entry) gives up its leading pure instructions (ALU, context reads; never loads, which can fault)
// to the end of P, ahead of P's jump, when: their operands are not written by instructions left in
// S before them; they do not clobber what those instructions read or write; their result is not
// read by P's jump; and on P's other successor the register is dead (so the early write is
// invisible there). When P simply falls into S, S is merged into P whole. A join block whose
// predecessors all go only to it gives its leading pure instructions to each of them (three or
// more lanes: the copies need spare lanes). Runs with
// two or more lanes (with one lane it would only move work from one path to the other).
#include <algorithm>

#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

bool is_func_entry(const Module& m, uint32_t b) {
    return std::find(m.func_entry.begin(), m.func_entry.end(), b) != m.func_entry.end();
}

}  // namespace

namespace {

// A join block S all of whose predecessors go nowhere but S (a goto or a fall-through): S's
// leading pure instructions are copied to the end of every predecessor, where they fill lanes
// beside the goto instead of taking a bundle of their own in S. Every path into S runs them just
// before entering it, as before.
bool hoist_into_all(Module& m, uint32_t si, PassStats& s) {
    Block& sb = m.blocks[si];
    for (uint32_t pi : sb.preds) {
        const Block& pb = m.blocks[pi];
        if (pi == si || pb.func != sb.func || pb.succs.size() != 1 || pb.succs[0] != si) return false;
        if (!pb.insns.empty() && is_terminator(pb.insns.back().op)) {
            const auto* j = std::get_if<Jmp>(&pb.insns.back().op);
            if (!j || j->cond != Jmp::Cond::Always) return false;
        }
    }
    size_t n = 0;
    RegMask defs_so_far = 0;
    while (n < sb.insns.size() && is_pure(sb.insns[n].op) && !is_terminator(sb.insns[n].op) &&
           !(defs(sb.insns[n].op) & 0x400)) {
        defs_so_far |= defs(sb.insns[n].op);
        ++n;
    }
    if (n == 0) return false;
    for (uint32_t pi : sb.preds) {
        Block& pb = m.blocks[pi];
        const bool jumps = !pb.insns.empty() && is_terminator(pb.insns.back().op);
        pb.insns.insert(jumps ? pb.insns.end() - 1 : pb.insns.end(), sb.insns.begin(),
                        sb.insns.begin() + static_cast<std::ptrdiff_t>(n));
    }
    sb.insns.erase(sb.insns.begin(), sb.insns.begin() + static_cast<std::ptrdiff_t>(n));
    s.add("instructions of join blocks copied into their predecessors", n);
    return true;
}

// Applies the first hoist or merge found; false when there is none.
bool hoist_one(Module& m, const Liveness& live, unsigned lanes, PassStats& s) {
    for (uint32_t si = 0; si < m.blocks.size(); ++si) {
        Block& sb = m.blocks[si];
        if (sb.insns.empty() || is_func_entry(m, si)) continue;
        if (sb.preds.size() >= 2) {
            // Copies need lanes to spare beside the predecessors' own work.
            if (lanes >= 3 && hoist_into_all(m, si, s)) return true;
            continue;
        }
        if (sb.preds.size() != 1) continue;
        const uint32_t pi = sb.preds[0];
        Block& pb = m.blocks[pi];
        if (pi == si || pb.func != sb.func || pb.insns.empty()) continue;
        const Op* term = is_terminator(pb.insns.back().op) ? &pb.insns.back().op : nullptr;
        if (!term && pb.fallthrough == static_cast<int32_t>(si)) {
            // P falls into S and nothing else reaches S: one block.
            pb.insns.insert(pb.insns.end(), sb.insns.begin(), sb.insns.end());
            pb.fallthrough = sb.fallthrough;
            sb.insns.clear();
            sb.fallthrough = -1;
            s.add("blocks merged into their only predecessor");
            return true;
        }
        if (!term || pb.succs.size() != 2) continue;
        const uint32_t other = pb.succs[0] == si ? pb.succs[1] : pb.succs[0];
        const RegMask forbidden = static_cast<RegMask>(live.live_in[other] | uses(*term, *m.platform) | 0x400);
        RegMask kept_uses = 0, kept_defs = 0;
        std::vector<Insn> moved, kept;
        for (const Insn& in : sb.insns) {
            const RegMask d = defs(in.op), u = uses(in.op, *m.platform);
            const bool ok = is_pure(in.op) && !(u & kept_defs) && !(d & (kept_uses | kept_defs | forbidden)) &&
                            !is_terminator(in.op);
            if (ok) {
                moved.push_back(in);
            } else {
                kept.push_back(in);
                kept_uses |= u;
                kept_defs |= static_cast<RegMask>(d | clobbers(in.op));
            }
        }
        if (moved.empty()) continue;
        pb.insns.insert(pb.insns.end() - 1, moved.begin(), moved.end());
        sb.insns = std::move(kept);
        s.add("instructions hoisted into the predecessor", moved.size());
        return true;
    }
    return false;
}

}  // namespace

void hoist(Module& m, const PassOptions& o, PassStats& s) {
    if (o.lanes < 2) return;
    // One change at a time: moving code changes liveness (a block whose definitions moved up now
    // reads them on entry), which the next decision must see.
    for (size_t step = 0; step < 4 * count_insns(m) + 16; ++step) {
        cfg(m, o, s);
        if (!hoist_one(m, compute_liveness(m), o.lanes, s)) break;
    }
    cfg(m, o, s);
}

}  // namespace bpfnic::passes
