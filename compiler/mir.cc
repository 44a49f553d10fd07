// SPDX-License-Identifier: MIT
// Machine IR: building blocks from a program, register use/def sets, text dumps.
#include "compiler/mir.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "compiler/disasm.h"
#include "compiler/error.h"
#include "compiler/verifier/cfg.h"

namespace bpfnic::mir {

namespace {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

RegMask value_mask(const Value& v) { return std::holds_alternative<Reg>(v) ? reg_bit(std::get<Reg>(v)) : 0; }

Op to_op(const Program& prog, const IrInsn& ii) {
    return std::visit(
        [&](const auto& i) -> Op {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, PacketLoad> || std::is_same_v<T, CallKfunc> || std::is_same_v<T, Callx>)
                throw Error(ErrorKind::Unsupported, prog.name + ": instruction " + std::to_string(ii.pc) +
                                                        ": not representable in the compiler");
            else
                return i;
        },
        ii.ins);
}

}  // namespace

Module build_module(const Program& prog, const std::vector<MapDef>& maps, const Platform& platform,
                    const Facts* facts) {
    Module m;
    m.name = prog.name;
    m.platform = &platform;
    m.maps = maps;
    m.facts = facts;
    const IrProgram ir = decode(prog.insns);
    const size_t n = prog.insns.size();

    // Leaders: the entry, jump targets, fall-throughs of jumps and exits, local-call targets.
    std::vector<bool> leader(n + 1, false), func_start(n + 1, false);
    leader[0] = func_start[0] = true;
    for (const IrInsn& ii : ir.insns) {
        const size_t next = ii.pc + slots(ii.ins);
        if (auto j = std::get_if<Jmp>(&ii.ins)) {
            leader[static_cast<size_t>(j->target)] = true;
            leader[next] = true;
        } else if (std::holds_alternative<Exit>(ii.ins)) {
            leader[next] = true;
        } else if (auto c = std::get_if<CallLocal>(&ii.ins)) {
            leader[static_cast<size_t>(c->target)] = func_start[static_cast<size_t>(c->target)] = true;
        }
    }
    std::vector<int32_t> block_at(n + 1, -1);
    for (const IrInsn& ii : ir.insns) {
        if (leader[ii.pc]) {
            block_at[ii.pc] = static_cast<int32_t>(m.blocks.size());
            Block b;
            b.start_pc = ii.pc;
            m.blocks.push_back(std::move(b));
        }
        m.blocks.back().insns.push_back(Insn{to_op(prog, ii), static_cast<int32_t>(ii.pc)});
    }
    // Resolve targets, fall-throughs and functions.
    int32_t func = -1;
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        Block& b = m.blocks[bi];
        if (func_start[b.start_pc]) {
            ++func;
            m.func_entry.push_back(static_cast<uint32_t>(bi));
        }
        b.func = func;
        for (Insn& in : b.insns) {
            if (auto j = std::get_if<Jmp>(&in.op)) j->target = block_at[static_cast<size_t>(j->target)];
            if (auto c = std::get_if<CallLocal>(&in.op)) c->target = block_at[static_cast<size_t>(c->target)];
        }
        const Op& last = b.insns.back().op;
        const bool ends = std::holds_alternative<Exit>(last) ||
                          (std::holds_alternative<Jmp>(last) && std::get<Jmp>(last).cond == Jmp::Cond::Always);
        if (!ends && bi + 1 < m.blocks.size()) b.fallthrough = static_cast<int32_t>(bi + 1);
    }
    return m;
}

RegMask uses(const Op& op, const Platform& platform) {
    return std::visit(overloaded{
                          [](const Bin& i) -> RegMask {
                              const bool mov = i.op == Bin::Op::Mov || i.op == Bin::Op::MovSx8 ||
                                               i.op == Bin::Op::MovSx16 || i.op == Bin::Op::MovSx32;
                              return static_cast<RegMask>((mov ? 0 : reg_bit(i.dst)) | value_mask(i.v));
                          },
                          [](const Un& i) -> RegMask { return reg_bit(i.dst); },
                          [](const LoadImm64&) -> RegMask { return 0; },
                          [](const Load& i) -> RegMask { return reg_bit(i.base); },
                          [](const Store& i) -> RegMask { return static_cast<RegMask>(reg_bit(i.base) | value_mask(i.v)); },
                          [](const Atomic& i) -> RegMask {
                              return static_cast<RegMask>(reg_bit(i.base) | reg_bit(i.src) |
                                                          (i.op == Atomic::Op::CmpXchg ? 1 : 0));
                          },
                          [](const Jmp& i) -> RegMask {
                              return i.cond == Jmp::Cond::Always ? 0
                                                                 : static_cast<RegMask>(reg_bit(i.left) | value_mask(i.right));
                          },
                          [&](const Call& i) -> RegMask {
                              const int n = verifier::helper_arg_count(platform, i.helper);
                              return static_cast<RegMask>(((1u << (n + 1)) - 1) & ~1u);
                          },
                          // The callee sees the caller's r6..r9 (the register window is copied).
                          [](const CallLocal&) -> RegMask { return 0x3fe; },
                          [](const Exit&) -> RegMask { return 1; },
                          [](const Alu3& i) -> RegMask { return static_cast<RegMask>(reg_bit(i.a) | value_mask(i.b)); },
                          [](const ExitImm&) -> RegMask { return 0; },
                          [](const CtxRead&) -> RegMask { return 0; },
                          [](const MovWide&) -> RegMask { return 0; },
                          [](const JmpAddGt& j) -> RegMask { return static_cast<RegMask>(reg_bit(j.left) | reg_bit(j.right)); },
                      },
                      op);
}

RegMask defs(const Op& op) {
    return std::visit(overloaded{
                          [](const Bin& i) -> RegMask { return reg_bit(i.dst); },
                          [](const Un& i) -> RegMask { return reg_bit(i.dst); },
                          [](const LoadImm64& i) -> RegMask { return reg_bit(i.dst); },
                          [](const Load& i) -> RegMask { return reg_bit(i.dst); },
                          [](const Atomic& i) -> RegMask {
                              if (i.op == Atomic::Op::CmpXchg) return 1;
                              return i.fetch ? reg_bit(i.src) : 0;
                          },
                          [](const Call&) -> RegMask { return 1; },
                          [](const CallLocal&) -> RegMask { return 1; },
                          [](const Alu3& i) -> RegMask { return reg_bit(i.dst); },
                          [](const CtxRead& i) -> RegMask { return reg_bit(i.dst); },
                          [](const MovWide& i) -> RegMask { return reg_bit(i.dst); },
                          [](const auto&) -> RegMask { return 0; },
                      },
                      op);
}

RegMask clobbers(const Op& op) {
    return std::holds_alternative<Call>(op) || std::holds_alternative<CallLocal>(op) ? kCallerSaved : 0;
}

bool is_terminator(const Op& op) {
    return std::holds_alternative<Jmp>(op) || std::holds_alternative<Exit>(op) || std::holds_alternative<ExitImm>(op) ||
           std::holds_alternative<JmpAddGt>(op);
}

bool is_pure(const Op& op) {
    return std::holds_alternative<Bin>(op) || std::holds_alternative<Un>(op) || std::holds_alternative<LoadImm64>(op) ||
           std::holds_alternative<Alu3>(op) || std::holds_alternative<CtxRead>(op) || std::holds_alternative<MovWide>(op);
}

bool needs_lane0(const Op& op) {
    if (auto b = std::get_if<Bin>(&op))
        return b->op == Bin::Op::UDiv || b->op == Bin::Op::SDiv || b->op == Bin::Op::UMod || b->op == Bin::Op::SMod;
    return !std::holds_alternative<Un>(op) && !std::holds_alternative<Alu3>(op) && !std::holds_alternative<CtxRead>(op) &&
           !std::holds_alternative<MovWide>(op);
}

size_t count_insns(const Module& m) {
    size_t n = 0;
    for (const Block& b : m.blocks) n += b.insns.size();
    return n;
}

namespace {
std::string value_text(const Value& v) {
    return std::holds_alternative<Reg>(v) ? "r" + std::to_string(std::get<Reg>(v).v) : std::to_string(std::get<Imm>(v).v);
}

const char* bin_symbol(Bin::Op op) {
    switch (op) {
        case Bin::Op::Add: return "+";
        case Bin::Op::Sub: return "-";
        case Bin::Op::Mul: return "*";
        case Bin::Op::Or: return "|";
        case Bin::Op::And: return "&";
        case Bin::Op::Lsh: return "<<";
        case Bin::Op::Rsh: return ">>";
        case Bin::Op::Arsh: return "s>>";
        case Bin::Op::Xor: return "^";
        default: return op_name(op);
    }
}
}  // namespace

const char* ctx_field_name(unsigned field) {
    static const char* const names[] = {"data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index",
                                        "egress_ifindex"};
    return field < 6 ? names[field] : "";
}

std::string format(const Op& op) {
    return std::visit(overloaded{
                          [](const Jmp& j) {
                              std::string s = j.cond == Jmp::Cond::Always
                                                  ? "goto"
                                                  : std::string("if ") + (j.is32 ? "w" : "r") + std::to_string(j.left.v) +
                                                        " " + cond_name(j.cond) + " " + value_text(j.right) + " goto";
                              return s + " B" + std::to_string(j.target);
                          },
                          [](const CallLocal& c) { return "call B" + std::to_string(c.target); },
                          [](const JmpAddGt& j) {
                              return "if r" + std::to_string(j.left.v) + " + " + std::to_string(j.k) + " > r" +
                                     std::to_string(j.right.v) + " goto B" + std::to_string(j.target) + "  ; jgt with add";
                          },
                          [](const Alu3& a) {
                              const char* r = a.is64 ? "r" : "w";
                              return r + std::to_string(a.dst.v) + " = " + r + std::to_string(a.a.v) + " " +
                                     bin_symbol(a.op) + " " + value_text(a.b) + "  ; alu3";
                          },
                          [](const ExitImm& e) { return "exit " + std::to_string(e.value) + "  ; r0 = imm, exit"; },
                          [](const MovWide& w) {
                              std::ostringstream v;
                              v << "0x" << std::hex << w.value;
                              return "r" + std::to_string(w.dst.v) + " = " + v.str() + "  ; wide move";
                          },
                          [](const CtxRead& c) {
                              const std::string name = ctx_field_name(c.field);
                              const std::string f = name.empty() ? std::to_string(c.field) : name;
                              return "r" + std::to_string(c.dst.v) + " = ctx." + f + "  ; context register";
                          },
                          [](const auto& i) {
                              const Instruction ins = i;
                              const auto raw = encode(ins, 0);
                              return format_insn(raw.data(), 0, Syntax::Llvm);
                          },
                      },
                      op);
}

std::string dump(const Module& m) {
    std::ostringstream os;
    os << "; " << m.name << ": " << m.blocks.size() << " blocks, " << count_insns(m) << " instructions\n";
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        const Block& b = m.blocks[bi];
        os << "B" << bi << ":  ; pc " << b.start_pc << ", function " << b.func;
        if (!b.preds.empty()) {
            os << ", preds";
            for (uint32_t p : b.preds) os << " B" << p;
        }
        if (b.idom >= 0) os << ", idom B" << b.idom;
        os << "\n";
        for (const Insn& in : b.insns) {
            os << "  " << format(in.op);
            if (in.pc >= 0) os << "  ; " << in.pc;
            os << "\n";
        }
        if (b.fallthrough >= 0 && b.fallthrough != static_cast<int32_t>(bi + 1))
            os << "  ; falls through to B" << b.fallthrough << "\n";
    }
    return os.str();
}

}  // namespace bpfnic::mir
