// SPDX-License-Identifier: MIT
// Control-flow checks, reachability and liveness.
#include "compiler/verifier/cfg.h"

#include <algorithm>
#include <set>

namespace bpfnic::verifier {
namespace {

uint16_t bit(Reg r) { return static_cast<uint16_t>(1u << r.v); }
uint16_t bit_of(const Value& v) { return std::holds_alternative<Reg>(v) ? bit(std::get<Reg>(v)) : 0; }

// Registers read (use) and written (def) by one instruction.
void use_def(const Instruction& ins, const Platform& platform, uint16_t& use, uint16_t& def) {
    use = def = 0;
    std::visit(
        [&](const auto& i) {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, Bin>) {
                use = bit_of(i.v) | (i.op == Bin::Op::Mov || i.op == Bin::Op::MovSx8 || i.op == Bin::Op::MovSx16 ||
                                             i.op == Bin::Op::MovSx32
                                         ? 0
                                         : bit(i.dst));
                def = bit(i.dst);
            } else if constexpr (std::is_same_v<T, Un>) {
                use = def = bit(i.dst);
            } else if constexpr (std::is_same_v<T, LoadImm64>) {
                def = bit(i.dst);
            } else if constexpr (std::is_same_v<T, Load>) {
                use = bit(i.base);
                def = bit(i.dst);
            } else if constexpr (std::is_same_v<T, Store>) {
                use = bit(i.base) | bit_of(i.v);
            } else if constexpr (std::is_same_v<T, Atomic>) {
                use = bit(i.base) | bit(i.src);
                if (i.op == Atomic::Op::CmpXchg) {
                    use |= 1;
                    def = 1;
                } else if (i.fetch) {
                    def = bit(i.src);
                }
            } else if constexpr (std::is_same_v<T, PacketLoad>) {
                use = (1u << 6) | (i.indirect ? bit(i.src) : 0);
                def = 0x3f;
            } else if constexpr (std::is_same_v<T, Jmp>) {
                if (i.cond != Jmp::Cond::Always) use = bit(i.left) | bit_of(i.right);
            } else if constexpr (std::is_same_v<T, Call>) {
                const int n = helper_arg_count(platform, i.helper);
                for (int a = 1; a <= n; ++a) use |= 1u << a;
                def = 0x3f;
            } else if constexpr (std::is_same_v<T, CallLocal> || std::is_same_v<T, CallKfunc>) {
                use = 0x3e;
                def = 0x3f;
            } else if constexpr (std::is_same_v<T, Callx>) {
                use = 0x3e | bit(i.reg);
                def = 0x3f;
            } else if constexpr (std::is_same_v<T, Exit>) {
                use = 1;
            }
        },
        ins);
}

bool is_exit(const Instruction& ins) { return std::holds_alternative<Exit>(ins); }
bool is_ja(const Instruction& ins) {
    const auto* j = std::get_if<Jmp>(&ins);
    return j && j->cond == Jmp::Cond::Always;
}

}  // namespace

int helper_arg_count(const Platform& platform, int32_t helper) {
    const HelperProto* h = platform.find_helper(helper);
    if (!h) return 5;
    int n = 0;
    while (n < 5 && h->args[n] != ArgKind::None) ++n;
    return n;
}

std::optional<CfgProblem> analyze_cfg(const IrProgram& ir, size_t nslots, const Platform& platform, Cfg& out) {
    const auto& insns = ir.insns;
    const size_t n = insns.size();
    // Subprograms start at 0 and at every local call target.
    std::set<uint32_t> starts{0};
    for (const IrInsn& i : insns)
        if (const auto* c = std::get_if<CallLocal>(&i.ins)) starts.insert(static_cast<uint32_t>(c->target));
    out.subprog_start.assign(starts.begin(), starts.end());
    out.subprog_of.assign(nslots, -1);
    for (size_t k = 0; k < n; ++k) {
        const uint32_t pc = insns[k].pc;
        const auto it = std::upper_bound(out.subprog_start.begin(), out.subprog_start.end(), pc);
        out.subprog_of[pc] = static_cast<int32_t>(it - out.subprog_start.begin()) - 1;
        if (pc + 1 < nslots && slots(insns[k].ins) == 2) out.subprog_of[pc + 1] = out.subprog_of[pc];
    }
    // Each function ends with exit or ja; jumps stay inside their function.
    for (size_t k = 0; k < n; ++k) {
        const uint32_t pc = insns[k].pc;
        const bool last_of_fn = k + 1 == n || out.subprog_of[insns[k + 1].pc] != out.subprog_of[pc];
        if (last_of_fn && !is_exit(insns[k].ins) && !is_ja(insns[k].ins))
            return CfgProblem{pc, "last insn is not an exit or jmp"};
        if (const auto* j = std::get_if<Jmp>(&insns[k].ins)) {
            if (out.subprog_of[j->target] != out.subprog_of[pc])
                return CfgProblem{pc, "jump out of range from insn " + std::to_string(pc) + " to " +
                                          std::to_string(j->target)};
        }
    }
    // Successors within a function (calls continue after the call; callees are roots).
    auto succ = [&](size_t k, std::vector<uint32_t>& s) {
        s.clear();
        const Instruction& ins = insns[k].ins;
        const uint32_t pc = insns[k].pc;
        if (const auto* j = std::get_if<Jmp>(&ins)) {
            s.push_back(static_cast<uint32_t>(j->target));
            if (j->cond == Jmp::Cond::Always) return;
        }
        if (is_exit(ins)) return;
        const uint32_t next = pc + static_cast<uint32_t>(slots(ins));
        if (next < nslots) s.push_back(next);
    };
    // Reachability.
    std::vector<bool> seen(nslots, false);
    std::vector<uint32_t> work{0}, s;
    seen[0] = true;
    while (!work.empty()) {
        const uint32_t pc = work.back();
        work.pop_back();
        const size_t k = static_cast<size_t>(ir.index_of_pc[pc]);
        succ(k, s);
        if (const auto* c = std::get_if<CallLocal>(&insns[k].ins)) s.push_back(static_cast<uint32_t>(c->target));
        for (uint32_t t : s)
            if (!seen[t]) {
                seen[t] = true;
                work.push_back(t);
            }
    }
    for (size_t k = 0; k < n; ++k)
        if (!seen[insns[k].pc]) return CfgProblem{insns[k].pc, "unreachable insn " + std::to_string(insns[k].pc)};
    // Prune points: jump targets, fall-throughs of conditional jumps, function entries.
    out.prune_point.assign(nslots, false);
    for (uint32_t st : out.subprog_start) out.prune_point[st] = true;
    for (size_t k = 0; k < n; ++k) {
        if (const auto* j = std::get_if<Jmp>(&insns[k].ins)) {
            out.prune_point[j->target] = true;
            if (j->cond != Jmp::Cond::Always && insns[k].pc + 1 < nslots) out.prune_point[insns[k].pc + 1] = true;
        }
    }
    // Liveness: backward fixpoint.
    std::vector<uint16_t> use(n), def(n);
    for (size_t k = 0; k < n; ++k) use_def(insns[k].ins, platform, use[k], def[k]);
    out.live_in.assign(nslots, 0);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = n; k-- > 0;) {
            succ(k, s);
            uint16_t live_out = 0;
            for (uint32_t t : s) live_out |= out.live_in[t];
            const uint16_t li = static_cast<uint16_t>(use[k] | (live_out & ~def[k]));
            if (li != out.live_in[insns[k].pc]) {
                out.live_in[insns[k].pc] = li;
                changed = true;
            }
        }
    }
    return std::nullopt;
}

}  // namespace bpfnic::verifier
