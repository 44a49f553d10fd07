// SPDX-License-Identifier: MIT
// lower_lookups: map accesses whose result is known when the program is compiled.
//  - bpf_map_lookup_elem on an ARRAY or PERCPU_ARRAY map (one CPU: a plain array) with a constant
//    key below max_entries, the key stored to the stack earlier in the same block: the result is
//    the element's address in the map's window ((index + 1) << shift, plus key * value_size, the
//    layout the map unit keeps), built by two or three ALU instructions that any lane can run,
//    instead of a helper call on lane 0. The null check right after it can never be taken and
//    goes too. The key store stays (dse-style removal of stack stores is not attempted here).
//  - A load from a read-only map (.rodata, frozen) at an offset the verifier proved constant: the
//    value is the map's initial data, so the load becomes a move of that constant (the verifier
//    gives the same constant to later instructions, as the kernel's does for frozen maps).
// Runs after lower_maps, before const_prop (whose facts then still name these registers).
#include <cstring>
#include <map>

#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic::passes {

using namespace mir;
using verifier::RegType;

namespace {

constexpr Reg kR0{0}, kFp{10};

struct KnownStore {
    uint8_t width;
    int64_t value;
};

// The stack word a block wrote with a known constant at r10 + off, or nothing.
const KnownStore* stack_imm(const std::map<int32_t, KnownStore>& known, int32_t off) {
    auto it = known.find(off);
    return it == known.end() ? nullptr : &it->second;
}

// Forget what an instruction may overwrite in the block's record of immediate stack stores.
void clobber_stack(std::map<int32_t, KnownStore>& known, const Op& op, const InsnFacts* f) {
    auto overlap_out = [&](int32_t lo, int32_t hi) {
        for (auto it = known.begin(); it != known.end();)
            it = (it->first < hi && lo < it->first + it->second.width) ? known.erase(it) : std::next(it);
    };
    if (const auto* st = std::get_if<Store>(&op)) {
        if (st->base == kFp) {
            overlap_out(st->off, st->off + st->width);
            if (const auto* imm = std::get_if<Imm>(&st->v)) {
                known[st->off] = KnownStore{st->width, imm->v};
            } else if (f) {  // a register the verifier knows the value of
                if (auto c = f->regs[std::get<Reg>(st->v).v].known_const())
                    known[st->off] = KnownStore{st->width, static_cast<int64_t>(*c)};
            }
            return;
        }
        const bool not_stack = f && f->regs[st->base.v].type != RegType::Stack && !f->regs[st->base.v].mixed &&
                               f->regs[st->base.v].type != RegType::NotInit;
        if (!not_stack) known.clear();
    } else if (const auto* at = std::get_if<Atomic>(&op)) {
        if (at->base == kFp) overlap_out(at->off, at->off + at->width);
        else known.clear();
    } else if (std::holds_alternative<Call>(op) || std::holds_alternative<CallLocal>(op)) {
        known.clear();  // helpers and callees may write the stack through pointer arguments
    }
}

bool is_plain_array(const MapDef& d) { return d.type == map_type::kArray || d.type == map_type::kPercpuArray; }

// The null check `if r0 ==/!= 0` ending the block, when nothing between the call at `at` and it
// redefines r0: folded for a non-null r0.
bool fold_null_check(Block& b, size_t at, PassStats& s) {
    if (b.insns.empty()) return false;
    auto* j = std::get_if<Jmp>(&b.insns.back().op);
    if (!j || j->is32 || j->left != kR0) return false;
    const auto* z = std::get_if<Imm>(&j->right);
    if (!z || z->v != 0 || (j->cond != Jmp::Cond::Eq && j->cond != Jmp::Cond::Ne)) return false;
    for (size_t k = at + 1; k + 1 < b.insns.size(); ++k)
        if (defs(b.insns[k].op) & reg_bit(kR0)) return false;
    if (j->cond == Jmp::Cond::Eq) {
        b.insns.pop_back();
    } else {
        b.insns.back().op = Jmp{Jmp::Cond::Always, Reg{0}, Imm{0}, false, j->target};
        b.fallthrough = -1;
    }
    s.add("null checks of known addresses removed");
    return true;
}

// Returns whether the call at i was replaced; `branch_folded` tells whether control flow changed.
bool lower_array_lookup(Module& m, Block& b, size_t i, const std::map<int32_t, KnownStore>& known, PassStats& s,
                        bool& branch_folded) {
    const auto* call = std::get_if<Call>(&b.insns[i].op);
    if (!call || call->helper != helper_id::kMapLookupElem || b.insns[i].pc < 0) return false;
    const InsnFacts& f = m.facts->insns.at(static_cast<size_t>(b.insns[i].pc));
    const RegFact& map = f.regs[1];
    const RegFact& key = f.regs[2];
    if (!f.reached || map.type != RegType::MapPtr || map.mixed || map.map < 0) return false;
    if (key.type != RegType::Stack || key.mixed || key.off_varies || !key.value.is_const() || key.value.value() != 0)
        return false;
    const auto mi = static_cast<size_t>(map.map);
    if (mi >= m.maps.size() || !is_plain_array(m.maps[mi])) return false;
    const MapDef& def = m.maps[mi];
    const KnownStore* k = stack_imm(known, key.off);
    if (!k || k->width < 4) return false;
    const auto index = static_cast<uint32_t>(k->value);
    if (index >= def.max_entries) return false;
    const HwParams hw = m.platform->hw.value_or(HwParams{});
    const uint64_t offset = uint64_t{index} * def.value_size;
    if (offset > INT32_MAX || mi + 1 > INT32_MAX) return false;

    std::vector<Insn> seq;
    const uint64_t address = (uint64_t{mi + 1} << hw.map_region_shift) + offset;
    if (hw.ext_mov_wide && address < (uint64_t{1} << 48)) {
        seq.push_back(Insn{MovWide{kR0, address}, b.insns[i].pc});
    } else {
        seq.push_back(Insn{Bin{Bin::Op::Mov, kR0, Imm{static_cast<int64_t>(mi + 1)}, true}, b.insns[i].pc});
        seq.push_back(Insn{Bin{Bin::Op::Lsh, kR0, Imm{static_cast<int64_t>(hw.map_region_shift)}, true}, -1});
        if (offset) seq.push_back(Insn{Bin{Bin::Op::Add, kR0, Imm{static_cast<int64_t>(offset)}, true}, -1});
    }
    b.insns.erase(b.insns.begin() + static_cast<std::ptrdiff_t>(i));
    b.insns.insert(b.insns.begin() + static_cast<std::ptrdiff_t>(i), seq.begin(), seq.end());
    s.add("array lookups with a constant key lowered to addresses");
    branch_folded |= fold_null_check(b, i + seq.size() - 1, s);
    return true;
}

bool fold_readonly_load(Module& m, Insn& in, PassStats& s) {
    const auto* ld = std::get_if<Load>(&in.op);
    if (!ld || in.pc < 0 || ld->width > 4) return false;
    const InsnFacts& f = m.facts->insns.at(static_cast<size_t>(in.pc));
    const RegFact& p = f.regs[ld->base.v];
    if (!f.reached || p.type != RegType::MapValue || p.mixed || p.off_varies || p.map < 0 || !p.value.is_const())
        return false;
    const MapDef& def = m.maps.at(static_cast<size_t>(p.map));
    if (!def.read_only) return false;
    const int64_t at = int64_t{p.off} + static_cast<int64_t>(p.value.value()) + ld->off;
    if (at < 0 || at + ld->width > def.value_size) return false;
    uint8_t bytes[4] = {};
    for (unsigned k = 0; k < ld->width; ++k) {
        const auto pos = static_cast<size_t>(at) + k;
        bytes[k] = pos < def.initial_data.size() ? def.initial_data[pos] : 0;
    }
    uint32_t v = 0;
    std::memcpy(&v, bytes, 4);
    if (ld->sign_ext) {
        const int64_t sv = ld->width == 1   ? static_cast<int8_t>(v)
                           : ld->width == 2 ? static_cast<int16_t>(v)
                                            : static_cast<int32_t>(v);
        in.op = Bin{Bin::Op::Mov, ld->dst, Imm{sv}, true};
    } else {
        in.op = Bin{Bin::Op::Mov, ld->dst, Imm{static_cast<int32_t>(v)}, false};  // mov32: zero-extends
    }
    s.add("loads from read-only maps folded to constants");
    return true;
}

}  // namespace

void lower_lookups(Module& m, const PassOptions& o, PassStats& s) {
    if (!m.facts) return;
    bool changed = false;
    for (Block& b : m.blocks) {
        std::map<int32_t, KnownStore> known;
        for (size_t i = 0; i < b.insns.size(); ++i) {
            if (fold_readonly_load(m, b.insns[i], s)) continue;
            if (lower_array_lookup(m, b, i, known, s, changed)) continue;
            const InsnFacts* f = b.insns[i].pc >= 0 ? &m.facts->insns.at(static_cast<size_t>(b.insns[i].pc)) : nullptr;
            clobber_stack(known, b.insns[i].op, f);
        }
    }
    if (changed) cfg(m, o, s);
}

}  // namespace bpfnic::passes
