// SPDX-License-Identifier: MIT
// Slot encoding and block layout for the firmware image.
#include "compiler/emit.h"

#include <algorithm>

#include "compiler/error.h"

namespace bpfnic {

using namespace mir;

namespace {

uint8_t alu_code(Bin::Op op) {
    switch (op) {
        case Bin::Op::Add: return op::kAdd;
        case Bin::Op::Sub: return op::kSub;
        case Bin::Op::Mul: return op::kMul;
        case Bin::Op::Or: return op::kOr;
        case Bin::Op::And: return op::kAnd;
        case Bin::Op::Lsh: return op::kLsh;
        case Bin::Op::Rsh: return op::kRsh;
        case Bin::Op::Arsh: return op::kArsh;
        case Bin::Op::Xor: return op::kXor;
        default: throw Error(ErrorKind::Internal, std::string("alu3: operation ") + op_name(op) + " has no 3-operand form");
    }
}

}  // namespace

uint64_t encode_slot(const Op& o, uint32_t addr) {
    RawInsn r;
    if (auto* a = std::get_if<Alu3>(&o)) {
        const bool x = std::holds_alternative<Reg>(a->b);
        r.opcode = static_cast<uint8_t>((a->is64 ? op::kClsAlu64 : op::kClsAlu) | 0xe0 | (x ? op::kSrcX : op::kSrcK));
        r.dst = a->dst.v;
        r.src = a->a.v;
        r.off = static_cast<int16_t>(alu_code(a->op) >> 4);
        r.imm = x ? std::get<Reg>(a->b).v : static_cast<int32_t>(std::get<Imm>(a->b).v);
        return word_from_insn(r);
    }
    if (auto* e = std::get_if<ExitImm>(&o)) {
        r.opcode = op::kClsJmp | 0xe0;
        r.imm = e->value;
        return word_from_insn(r);
    }
    if (auto* j = std::get_if<JmpAddGt>(&o)) {
        r.opcode = op::kClsJmp | 0xf0 | op::kSrcX;
        r.dst = j->left.v;
        r.src = j->right.v;
        r.off = static_cast<int16_t>(j->target - static_cast<int64_t>(addr) - 1);
        r.imm = j->k;
        return word_from_insn(r);
    }
    if (auto* w = std::get_if<MovWide>(&o)) {
        r.opcode = op::kClsAlu | 0xf0;
        r.dst = w->dst.v;
        r.off = static_cast<int16_t>(static_cast<uint16_t>(w->value >> 32));
        r.imm = static_cast<int32_t>(static_cast<uint32_t>(w->value));
        return word_from_insn(r);
    }
    if (auto* c = std::get_if<CtxRead>(&o)) {
        r.opcode = op::kClsAlu64 | 0xf0;
        r.dst = c->dst.v;
        r.imm = c->field;
        return word_from_insn(r);
    }
    const Instruction ins = std::visit(
        [](const auto& i) -> Instruction {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, Alu3> || std::is_same_v<T, ExitImm> || std::is_same_v<T, CtxRead> ||
                          std::is_same_v<T, JmpAddGt> || std::is_same_v<T, MovWide>)
                throw Error(ErrorKind::Internal, "unreachable");
            else
                return i;
        },
        o);
    return word_from_insn(encode(ins, addr).front());
}

Image emit_image(const Module& m, unsigned lanes) {
    std::vector<uint32_t> addr(m.blocks.size() + 1, 0);
    uint32_t next = 0;
    for (size_t b = 0; b < m.blocks.size(); ++b) {
        addr[b] = next;
        next += static_cast<uint32_t>(m.blocks[b].bundles.size());
    }
    Image img;
    img.lanes = static_cast<uint8_t>(lanes);
    img.slots.assign(static_cast<size_t>(next) * lanes, 0);
    img.source_pc.assign(img.slots.size(), -1);
    std::vector<int32_t> helpers;
    for (size_t b = 0; b < m.blocks.size(); ++b) {
        uint32_t a = addr[b];
        for (const Bundle& bundle : m.blocks[b].bundles) {
            for (size_t l = 0; l < lanes; ++l) {
                const size_t slot = static_cast<size_t>(a) * lanes + l;
                if (l == 0 && bundle.carry_hi) {
                    RawInsn hi;
                    hi.imm = *bundle.carry_hi;
                    img.slots[slot] = word_from_insn(hi);
                }
                if (!bundle.lane[l]) continue;
                Op op = bundle.lane[l]->op;
                if (auto* j = std::get_if<Jmp>(&op)) j->target = addr[static_cast<size_t>(j->target)];
                if (auto* j = std::get_if<JmpAddGt>(&op)) j->target = addr[static_cast<size_t>(j->target)];
                if (auto* c = std::get_if<CallLocal>(&op)) c->target = addr[static_cast<size_t>(c->target)];
                if (auto* c = std::get_if<Call>(&op))
                    if (std::find(helpers.begin(), helpers.end(), c->helper) == helpers.end()) helpers.push_back(c->helper);
                img.slots[slot] = encode_slot(op, a);
                img.source_pc[slot] = bundle.lane[l]->pc;
            }
            ++a;
        }
    }
    if (img.slots.empty()) throw Error(ErrorKind::Internal, m.name + ": the schedule is empty");
    img.helpers = helpers;
    img.entries.push_back({m.name, 0});
    for (size_t f = 1; f < m.func_entry.size(); ++f)
        img.entries.push_back({m.name + "/subprog" + std::to_string(f), addr[m.func_entry[f]]});
    for (const MapDef& d : m.maps)
        img.maps.push_back({d.name, d.type, d.key_size, d.value_size, d.max_entries, d.map_flags, d.read_only, d.initial_data});
    return img;
}

}  // namespace bpfnic
