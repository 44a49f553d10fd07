// SPDX-License-Identifier: MIT
// combine_copies: byte-by-byte copies to wider ones. clang copies small structures in a packet
// (MAC addresses above all: `memcpy(eth->h_dest, eth->h_source, 6)` and its swap variants) as a
// run of `t = *(u8 *)(b + s); *(u8 *)(b + s + delta) = t` pairs, two lane-0 slots per byte. A run
// of such pairs with one source base, one destination base and one temporary is the same copy as
// word, halfword and byte moves of the contiguous pieces at each distance (the memories take any
// alignment), in far fewer slots, when the order of the bytes cannot matter: with one base no
// byte is both read and written or touched twice; with two bases the verifier must have proved
// them in different memories (packet, stack, map value; e.g. router_ipv4's MAC addresses from a
// route entry into the frame) and no destination byte may be written twice. The temporary must
// be dead after the run.
#include <algorithm>
#include <map>

#include "compiler/passes/liveness.h"
#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

struct Pair {
    int32_t src, dst;
};

// The longest run of byte copy pairs starting at i with one source base, one destination base
// and one temporary.
size_t run_length(const Block& b, size_t i, Reg& from, Reg& to, Reg& tmp, std::vector<Pair>& pairs) {
    pairs.clear();
    size_t k = i;
    for (; k + 1 < b.insns.size(); k += 2) {
        const auto* ld = std::get_if<Load>(&b.insns[k].op);
        const auto* st = std::get_if<Store>(&b.insns[k + 1].op);
        if (!ld || !st || ld->width != 1 || st->width != 1 || ld->sign_ext) break;
        const auto* v = std::get_if<Reg>(&st->v);
        if (!v || *v != ld->dst || ld->dst == ld->base || ld->dst == st->base) break;
        if (pairs.empty()) {
            from = ld->base;
            to = st->base;
            tmp = ld->dst;
        } else if (ld->base != from || st->base != to || ld->dst != tmp) {
            break;
        }
        pairs.push_back(Pair{ld->off, st->off});
    }
    return k - i;
}

// Two pointers the verifier proved to point into different memories (packet, stack, a map value).
bool distinct_memories(const Module& m, const Insn& at, Reg a, Reg b) {
    if (!m.facts || at.pc < 0) return false;
    const InsnFacts& f = m.facts->insns.at(static_cast<size_t>(at.pc));
    auto kind = [&](Reg r) -> int {
        const RegFact& x = f.regs[r.v];
        if (x.mixed) return -1;
        switch (x.type) {
            case verifier::RegType::Packet: return 1;
            case verifier::RegType::Stack: return 2;
            case verifier::RegType::MapValue: return 3;
            default: return -1;
        }
    };
    const int ka = kind(a), kb = kind(b);
    return ka > 0 && kb > 0 && ka != kb;
}

// The copy reads no byte it wrote before: with one base, no byte is touched twice; across two
// memories, no destination byte is written twice.
bool copy_is_separable(const std::vector<Pair>& pairs, bool one_memory) {
    std::map<int32_t, int> src, dst;
    for (const Pair& p : pairs) {
        if (dst[p.dst]++) return false;
        if (one_memory && (src[p.src]++ || src.count(p.dst) || dst.count(p.src))) return false;
    }
    return true;
}

}  // namespace

void combine_copies(Module& m, const PassOptions&, PassStats& s) {
    const Liveness lv = compute_liveness(m);
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        for (size_t i = 0; i < b.insns.size(); ++i) {
            Reg from{0}, to{0}, tmp{0};
            std::vector<Pair> pairs;
            const size_t n = run_length(b, i, from, to, tmp, pairs);
            if (pairs.size() < 2) continue;
            if (from != to && !distinct_memories(m, b.insns[i], from, to)) continue;
            if (!copy_is_separable(pairs, from == to)) continue;
            RegMask live = lv.live_out[bi];
            for (size_t k = b.insns.size(); k-- > i + n;) live = live_before(b.insns[k].op, live, *m.platform);
            if (live & reg_bit(tmp)) continue;

            // By distance, the contiguous source pieces as word, halfword and byte moves.
            std::map<int32_t, std::vector<int32_t>> by_delta;
            for (const Pair& p : pairs) by_delta[p.dst - p.src].push_back(p.src);
            std::vector<Insn> out;
            const int32_t pc = b.insns[i].pc;
            for (auto& [delta, srcs] : by_delta) {
                std::sort(srcs.begin(), srcs.end());
                for (size_t a = 0; a < srcs.size();) {
                    size_t e = a + 1;
                    while (e < srcs.size() && srcs[e] == srcs[e - 1] + 1) ++e;
                    for (int32_t at = srcs[a], left = static_cast<int32_t>(e - a); left > 0;) {
                        const int32_t w = left >= 4 ? 4 : left >= 2 ? 2 : 1;
                        out.push_back(Insn{Load{tmp, from, static_cast<int16_t>(at), static_cast<uint8_t>(w), false}, pc});
                        out.push_back(
                            Insn{Store{to, static_cast<int16_t>(at + delta), static_cast<uint8_t>(w), tmp}, pc});
                        at += w;
                        left -= w;
                    }
                    a = e;
                }
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
