// SPDX-License-Identifier: MIT
// Capability check against a platform struct: instruction groups, helpers, map types referenced
// by lddw, and the program's size.
#include "compiler/capability.h"

#include "compiler/ir.h"

namespace bpfnic {

namespace {

std::string declared(const Platform& p, const std::string& feature, const std::string& fallback) {
    const std::string r = p.gap_reason(feature);
    return r.empty() ? fallback : r;
}

std::optional<Refusal> check_insn(const IrInsn& ii, const std::vector<MapDef>& maps, const Platform& p) {
    const auto pc = static_cast<int64_t>(ii.pc);
    if (std::holds_alternative<Callx>(ii.ins) && !p.supports(Group::Callx))
        return Refusal{pc, declared(p, "callx", "callx is not supported on " + p.name)};
    if (std::holds_alternative<PacketLoad>(ii.ins) && !p.supports(Group::PacketLegacy))
        return Refusal{pc, declared(p, "packet_legacy", "legacy packet loads are not supported on " + p.name)};
    if (std::holds_alternative<CallKfunc>(ii.ins)) return Refusal{pc, declared(p, "kfunc", "kernel function calls are not supported")};
    if (auto* c = std::get_if<Call>(&ii.ins)) {
        if (c->helper == helper_id::kTailCall && !p.find_helper(c->helper))
            return Refusal{pc, declared(p, "tail_call", "tail calls are not supported on " + p.name)};
        if (!p.find_helper(c->helper))
            return Refusal{pc, "helper " + std::to_string(c->helper) + " has no unit on " + p.name};
    }
    if (auto* l = std::get_if<LoadImm64>(&ii.ins)) {
        if (l->pseudo == op::kPseudoMapIdx || l->pseudo == op::kPseudoMapIdxValue) {
            if (l->imm_lo < 0 || static_cast<size_t>(l->imm_lo) >= maps.size())
                return Refusal{pc, "map index " + std::to_string(l->imm_lo) + " out of range"};
            const MapDef& m = maps[static_cast<size_t>(l->imm_lo)];
            if (!p.supports_map_type(m.type)) {
                const bool mim = m.type == map_type::kArrayOfMaps || m.type == map_type::kHashOfMaps;
                const std::string what = std::string("map '") + m.name + "' of type " + map_type_name(m.type) + ": ";
                if (m.type == map_type::kProgArray)
                    return Refusal{pc, what + declared(p, "tail_call", "tail calls are not supported")};
                return Refusal{pc, what + (mim ? declared(p, "map_in_map", "not supported") : "not supported by the map unit")};
            }
        } else if (l->pseudo != op::kPseudoImm64) {
            return Refusal{pc, "lddw pseudo source " + std::to_string(l->pseudo) + " is not resolved"};
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<Refusal> check_capabilities(const Program& prog, const std::vector<MapDef>& maps, const Platform& p) {
    if (prog.insns.size() > p.max_insns)
        return Refusal{-1, std::to_string(prog.insns.size()) + " instructions exceed " + p.name + "'s limit of " +
                               std::to_string(p.max_insns)};
    const IrProgram ir = decode(prog.insns);
    for (const IrInsn& ii : ir.insns) {
        if (auto r = check_insn(ii, maps, p)) return r;
        const InsnSpec* spec = find_spec(prog.insns[ii.pc]);
        if (spec && !p.supports(spec->group))
            return Refusal{static_cast<int64_t>(ii.pc), std::string(group_name(spec->group)) +
                                                            " instructions are not supported on " + p.name};
    }
    if (p.hw && maps.size() > p.hw->max_maps)
        return Refusal{-1, std::to_string(maps.size()) + " maps exceed the map unit's " + std::to_string(p.hw->max_maps)};
    return std::nullopt;
}

}  // namespace bpfnic
