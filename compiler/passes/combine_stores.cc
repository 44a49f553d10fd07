// SPDX-License-Identifier: MIT
// combine_stores: the bytes of one value stored one by one become one wide store. clang writes a
// loaded word back byte by byte through shifts (`*(u8 *)(p + 0) = x; t = x >> 8; *(u8 *)(p + 1) =
// t; ...`, as in xdp2's MAC swap through a stack temporary); when bytes 0..n-1 of one value go to
// p + c .. p + c + n - 1 (little-endian order) in one block, one n-byte store of the value at the
// first of those stores writes the same bytes (the memories take any alignment). The shifts left
// without a reader go in dce. Nothing between the first and the last byte store may read or write
// those bytes: only loads and stores through r10 (the stack, never the packet or a map value) and
// byte stores to other offsets of the same pointer are allowed in between.
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <tuple>

#include "compiler/passes/pass.h"

namespace bpfnic::passes {

using namespace mir;

namespace {

constexpr Reg kFp{10};

struct Sym {
    uint32_t origin = 0;  // 0: unknown
    uint32_t shift = 0;   // bits
};

struct ByteStore {
    size_t at;       // instruction index
    Reg base;
    uint32_t base_version;
    int32_t off;
    Sym value;
    std::array<int8_t, 11> holders;  // registers holding (origin, shift 0) here: 1, else 0
};

struct Group {
    std::vector<const ByteStore*> bytes;  // by byte index k
};

void scan(const Block& b, std::vector<ByteStore>& stores) {
    std::array<Sym, 11> sym{};
    std::array<uint32_t, 11> version{};
    uint32_t next_origin = 1;
    for (Sym& r : sym) r = Sym{next_origin++, 0};  // values live into the block
    for (size_t i = 0; i < b.insns.size(); ++i) {
        const Op& op = b.insns[i].op;
        if (const auto* st = std::get_if<Store>(&op); st && st->width == 1) {
            if (const auto* v = std::get_if<Reg>(&st->v)) {
                ByteStore bs{i, st->base, version[st->base.v], st->off, sym[v->v], {}};
                for (int r = 0; r < 11; ++r)
                    bs.holders[r] = sym[r].origin && sym[r].origin == bs.value.origin && sym[r].shift == 0;
                if (bs.value.origin) stores.push_back(bs);
            }
        }
        const RegMask written = static_cast<RegMask>(defs(op) | clobbers(op));
        const auto* bin = std::get_if<Bin>(&op);
        std::optional<Sym> result;
        if (bin && bin->is64 && bin->op == Bin::Op::Mov && std::holds_alternative<Reg>(bin->v)) {
            result = sym[std::get<Reg>(bin->v).v];
        } else if (bin && bin->is64 && bin->op == Bin::Op::Rsh && std::holds_alternative<Imm>(bin->v)) {
            const Sym s0 = sym[bin->dst.v];
            const auto k = static_cast<uint32_t>(std::get<Imm>(bin->v).v);
            if (s0.origin && k % 8 == 0 && s0.shift + k < 64) result = Sym{s0.origin, s0.shift + k};
        } else if (const auto* a3 = std::get_if<Alu3>(&op);
                   a3 && a3->is64 && a3->op == Bin::Op::Rsh && std::holds_alternative<Imm>(a3->b)) {
            const Sym s0 = sym[a3->a.v];
            const auto k = static_cast<uint32_t>(std::get<Imm>(a3->b).v);
            if (s0.origin && k % 8 == 0 && s0.shift + k < 64) result = Sym{s0.origin, s0.shift + k};
        }
        for (int r = 0; r < 11; ++r) {
            if (!(written & (1u << r))) continue;
            ++version[r];
            sym[r] = Sym{next_origin++, 0};  // a new value, unless a move or shift said otherwise
        }
        if (result) sym[bin ? bin->dst.v : std::get<Alu3>(op).dst.v] = *result;
    }
}

bool touches_memory(const Op& op) {
    return std::holds_alternative<Load>(op) || std::holds_alternative<Store>(op) ||
           std::holds_alternative<Atomic>(op) || std::holds_alternative<Call>(op) ||
           std::holds_alternative<CallLocal>(op);
}

// Whether the instructions strictly between the group's first and last store leave bytes
// [c, c + n) of base alone.
bool window_is_clear(const Block& b, const Group& g, size_t first, size_t last, int32_t c, uint32_t n) {
    const Reg base = g.bytes[0]->base;
    for (size_t i = first + 1; i < last; ++i) {
        const Op& op = b.insns[i].op;
        if (!touches_memory(op)) continue;
        bool ours = false;
        for (const ByteStore* bs : g.bytes) ours |= bs->at == i;
        if (ours) continue;
        if (const auto* ld = std::get_if<Load>(&op); ld && ld->base == kFp && base != kFp) continue;
        if (const auto* st = std::get_if<Store>(&op)) {
            if (st->base == kFp && base != kFp) continue;
            if (st->base == base && (st->off + st->width <= c || st->off >= c + static_cast<int32_t>(n))) continue;
        }
        return false;
    }
    return true;
}

bool combine_one(Block& b, PassStats& s) {
    std::vector<ByteStore> stores;
    scan(b, stores);
    // Groups by (base, base version, origin, c = off - byte index).
    std::map<std::tuple<uint8_t, uint32_t, uint32_t, int32_t>, Group> groups;
    for (const ByteStore& bs : stores) {
        const int32_t k = static_cast<int32_t>(bs.value.shift / 8);
        Group& g = groups[{bs.base.v, bs.base_version, bs.value.origin, bs.off - k}];
        if (g.bytes.size() <= static_cast<size_t>(k)) g.bytes.resize(static_cast<size_t>(k) + 1, nullptr);
        if (!g.bytes[static_cast<size_t>(k)]) g.bytes[static_cast<size_t>(k)] = &bs;
    }
    for (auto& [key, g] : groups) {
        uint32_t n = 0;
        while (n < g.bytes.size() && g.bytes[n]) ++n;
        n = n >= 8 ? 8 : n >= 4 ? 4 : n >= 2 ? 2 : 0;
        if (!n) continue;
        Group used{std::vector<const ByteStore*>(g.bytes.begin(), g.bytes.begin() + n)};
        size_t first = SIZE_MAX, last = 0;
        for (const ByteStore* bs : used.bytes) {
            first = std::min(first, bs->at);
            last = std::max(last, bs->at);
        }
        const ByteStore* at_first = nullptr;
        for (const ByteStore* bs : used.bytes) if (bs->at == first) at_first = bs;
        int holder = -1;
        for (int r = 0; r < 10 && holder < 0; ++r) if (at_first->holders[r]) holder = r;
        const int32_t c = std::get<3>(key);
        if (holder < 0 || c < INT16_MIN || c + static_cast<int32_t>(n) > INT16_MAX) continue;
        if (!window_is_clear(b, used, first, last, c, n)) continue;
        const Reg base = used.bytes[0]->base;
        std::vector<size_t> drop;
        for (const ByteStore* bs : used.bytes) if (bs->at != first) drop.push_back(bs->at);
        b.insns[first].op = Store{base, static_cast<int16_t>(c), static_cast<uint8_t>(n), Reg{static_cast<uint8_t>(holder)}};
        std::sort(drop.rbegin(), drop.rend());
        for (size_t d : drop) b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(d));
        s.add("byte stores of one value joined", n);
        return true;
    }
    return false;
}

}  // namespace

void combine_stores(Module& m, const PassOptions&, PassStats& s) {
    for (Block& b : m.blocks)
        while (combine_one(b, s)) {
        }
}

}  // namespace bpfnic::passes
