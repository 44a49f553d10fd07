// SPDX-License-Identifier: MIT
// Load-time checks of the JIT: everything that would make emitted code wrong or impossible is
// refused here with the instruction index, before any code is generated.
#include <string>
#include <type_traits>
#include <variant>

#include "compiler/error.h"
#include "compiler/verifier/verifier.h"
#include "driver/jit/jit_emitter.h"

namespace bpfnic::jit {

namespace {

[[noreturn]] void refuse(ErrorKind kind, const Program& prog, uint32_t pc, const std::string& why) {
    throw Error(kind, "program '" + prog.name + "': instruction " + std::to_string(pc) + ": " + why);
}

void check_insn(const Program& prog, const IrInsn& insn, const MapSet& maps, const Platform& platform,
                const HelperTable& helpers) {
    const uint32_t pc = insn.pc;
    const InsnSpec* spec = find_spec(prog.insns[pc]);
    if (spec && !platform.supports(spec->group))
        refuse(ErrorKind::Unsupported, prog, pc,
               std::string("instruction group ") + group_name(spec->group) + " is not supported by platform '" +
                   platform.name + "'");
    std::visit(
        [&](const auto& i) {
            using T = std::decay_t<decltype(i)>;
            if constexpr (std::is_same_v<T, Call>) {
                if (!helpers.get(i.helper))
                    refuse(ErrorKind::Unsupported, prog, pc,
                           "unknown helper id " + std::to_string(i.helper) + " for platform '" + platform.name + "'");
            } else if constexpr (std::is_same_v<T, CallKfunc>) {
                refuse(ErrorKind::Unsupported, prog, pc,
                       "kfunc call (btf id " + std::to_string(i.btf_id) + ") is not supported by the jit engine");
            } else if constexpr (std::is_same_v<T, LoadImm64>) {
                if (i.pseudo == op::kPseudoImm64) return;
                if (i.pseudo != op::kPseudoMapIdx && i.pseudo != op::kPseudoMapIdxValue)
                    refuse(ErrorKind::Unsupported, prog, pc,
                           "lddw pseudo source " + std::to_string(i.pseudo) +
                               " is not supported (the loader resolves map references to map indices)");
                if (i.imm_lo < 0 || static_cast<size_t>(i.imm_lo) >= maps.size())
                    refuse(ErrorKind::BadInput, prog, pc,
                           "map index " + std::to_string(i.imm_lo) + " out of range (object has " +
                               std::to_string(maps.size()) + " maps)");
                if (i.pseudo == op::kPseudoMapIdxValue) {
                    Map& m = const_cast<MapSet&>(maps).at(static_cast<size_t>(i.imm_lo));
                    if (!m.array_base())
                        refuse(ErrorKind::Unsupported, prog, pc,
                               "direct value access to map '" + m.def().name + "', which has no array storage");
                    const uint64_t off = static_cast<uint32_t>(i.imm_hi);
                    if (off >= m.def().value_size)
                        refuse(ErrorKind::BadInput, prog, pc,
                               "offset " + std::to_string(off) + " past the value of map '" + m.def().name + "' (" +
                                   std::to_string(m.def().value_size) + " bytes)");
                }
            }
        },
        insn.ins);
}

}  // namespace

CheckedProgram check_program(const Program& prog, const MapSet& maps, const std::vector<MapDef>& defs,
                             const Platform& platform, const HelperTable& helpers, bool verify_program) {
    if (prog.insns.empty()) throw Error(ErrorKind::Rejected, "program '" + prog.name + "': no instructions");
    if (prog.insns.size() > platform.max_insns)
        throw Error(ErrorKind::Unsupported, "program '" + prog.name + "': " + std::to_string(prog.insns.size()) +
                                                " instructions exceed the platform limit of " +
                                                std::to_string(platform.max_insns));
    std::vector<std::string> problems = validate(prog.insns);
    if (!problems.empty()) {
        std::string msg = "program '" + prog.name + "': " + problems.front();
        if (problems.size() > 1) msg += " (and " + std::to_string(problems.size() - 1) + " more problems)";
        throw Error(ErrorKind::Rejected, msg);
    }
    CheckedProgram out;
    out.ir = decode(prog.insns);
    out.is_target.assign(prog.insns.size(), false);
    for (const IrInsn& insn : out.ir.insns) {
        check_insn(prog, insn, maps, platform, helpers);
        if (auto t = branch_target(prog.insns[insn.pc], insn.pc)) out.is_target[static_cast<size_t>(*t)] = true;
    }
    out.fixed_branch.assign(prog.insns.size(), -1);
    if (verify_program) {
        VerifierOptions vo;
        vo.collect_facts = true;
        const VerifierResult r = verify(prog, defs, platform, vo);
        if (!r.ok) throw Error(ErrorKind::Rejected, "program '" + prog.name + "': verifier: " + r.headline());
        for (size_t pc = 0; pc < r.facts.insns.size() && pc < prog.insns.size(); ++pc) {
            const InsnFacts& f = r.facts.insns[pc];
            if (f.packet_check_redundant()) out.fixed_branch[pc] = f.branch_taken ? 1 : 0;
        }
    }
    return out;
}

}  // namespace bpfnic::jit
