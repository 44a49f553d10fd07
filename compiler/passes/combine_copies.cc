// SPDX-License-Identifier: MIT
// combine_copies: byte-by-byte copies to wider ones. clang copies small structures in a packet
// (MAC addresses above all: `memcpy(eth->h_dest, eth->h_source, 6)` and its swap variants) as a
// run of `t = *(u8 *)(b + s); *(u8 *)(b + s + delta) = t` pairs, two lane-0 slots per byte. A run
// of such pairs with one base, one temporary and one distance, whose source and destination bytes
// do not overlap and are each touched once, is the same copy as word, halfword and byte moves of
// the contiguous pieces (the memories take any alignment), in far fewer slots. The temporary must
// be dead after the run.
#include <algorithm>
#include <map>

#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

struct Pair {
    int32_t src, dst;
};

// The longest run of byte copy pairs starting at i: same base, temporary and distance.
size_t run_length(const Block& b, size_t i, Reg& base, Reg& tmp, int32_t& delta, std::vector<Pair>& pairs) {
    pairs.clear();
    size_t k = i;
    for (; k + 1 < b.insns.size(); k += 2) {
        const auto* ld = std::get_if<Load>(&b.insns[k].op);
        const auto* st = std::get_if<Store>(&b.insns[k + 1].op);
        if (!ld || !st || ld->width != 1 || st->width != 1 || ld->sign_ext) break;
        const auto* v = std::get_if<Reg>(&st->v);
        if (!v || *v != ld->dst || ld->base != st->base || ld->dst == ld->base) break;
        if (pairs.empty()) {
            base = ld->base;
            tmp = ld->dst;
            delta = st->off - ld->off;
        } else if (ld->base != base || ld->dst != tmp || st->off - ld->off != delta) {
            break;
        }
        pairs.push_back(Pair{ld->off, st->off});
    }
    return k - i;
}

bool copy_is_separable(const std::vector<Pair>& pairs) {
    std::map<int32_t, int> touched;
    for (const Pair& p : pairs)
        if (touched[p.src]++ || touched[p.dst]++) return false;  // a byte read or written twice
    return true;
}

}  // namespace

void combine_copies(Module& m, const PassOptions&, PassStats& s) {
    const Liveness lv = compute_liveness(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        for (size_t i = 0; i < b.insns.size(); ++i) {
            Reg base{0}, tmp{0};
            int32_t delta = 0;
            std::vector<Pair> pairs;
            const size_t n = run_length(b, i, base, tmp, delta, pairs);
            if (pairs.size() < 2 || !copy_is_separable(pairs)) continue;
            RegMask live = lv.live_out[bi];
            for (size_t k = b.insns.size(); k-- > i + n;) live = live_before(b.insns[k].op, live, *m.platform);
            if (live & reg_bit(tmp)) continue;

            std::vector<int32_t> srcs;
            for (const Pair& p : pairs) srcs.push_back(p.src);
            std::sort(srcs.begin(), srcs.end());
            std::vector<Insn> out;
            const int32_t pc = b.insns[i].pc;
            for (size_t a = 0; a < srcs.size();) {
                size_t e = a + 1;
                while (e < srcs.size() && srcs[e] == srcs[e - 1] + 1) ++e;
                for (int32_t at = srcs[a], left = static_cast<int32_t>(e - a); left > 0;) {
                    const int32_t w = left >= 4 ? 4 : left >= 2 ? 2 : 1;
                    out.push_back(Insn{Load{tmp, base, static_cast<int16_t>(at), static_cast<uint8_t>(w), false}, pc});
                    out.push_back(Insn{Store{base, static_cast<int16_t>(at + delta), static_cast<uint8_t>(w), tmp}, pc});
                    at += w;
                    left -= w;
                }
                a = e;
            }
            if (out.size() >= n) continue;
            b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(i),
                          b.insns.begin() + static_cast<std::ptrdiff_t>(i + n));
            b.insns.insert(b.insns.begin() + static_cast<std::ptrdiff_t>(i), out.begin(), out.end());
            s.add("byte copies joined", pairs.size());
            s.add("copy instructions saved", n - out.size());
            i += out.size() - 1;
        }
    }
}

}  // namespace bpfnic::passes
