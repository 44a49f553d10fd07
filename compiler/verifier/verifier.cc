// SPDX-License-Identifier: MIT
// verify(): structural checks, then abstract interpretation, then the result with its message.
#include "compiler/verifier/verifier.h"

#include <chrono>
#include <cstdio>

#include "compiler/disasm.h"
#include "compiler/error.h"
#include "compiler/ir.h"
#include "compiler/verifier/analyzer.h"
#include "compiler/verifier/cfg.h"

namespace bpfnic {

namespace {

std::string insn_text(const Program& prog, int64_t pc) {
    if (pc < 0 || static_cast<size_t>(pc) >= prog.insns.size()) return "";
    return format_insn(&prog.insns[static_cast<size_t>(pc)], static_cast<size_t>(pc), Syntax::Llvm);
}

void fail(VerifierResult& r, const Program& prog, int64_t pc, const std::string& reason, const std::string& regs = {}) {
    r.ok = false;
    r.error_pc = pc;
    r.reason = reason;
    if (pc >= 0)
        r.error = "instruction " + std::to_string(pc) + ": " + insn_text(prog, pc) + " : " + reason;
    else
        r.error = reason;
    if (!regs.empty()) r.error += "\n  " + regs;
}

}  // namespace

VerifierResult verify(const Program& prog, const std::vector<MapDef>& maps, const Platform& platform,
                      const VerifierOptions& opts) {
    const auto t0 = std::chrono::steady_clock::now();
    VerifierResult result;
    auto finish = [&]() -> VerifierResult {
        result.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (opts.log_level >= 1) result.log += stats_line(result, opts) + "\n";
        return std::move(result);
    };
    if (prog.insns.size() > platform.max_insns) {
        fail(result, prog, -1,
             "program of " + std::to_string(prog.insns.size()) + " instructions exceeds the limit of platform " +
                 platform.name + " (" + std::to_string(platform.max_insns) + ")");
        return finish();
    }
    if (const auto errors = validate(prog.insns); !errors.empty()) {
        result.ok = false;
        result.error = result.reason = errors.front();
        const auto colon = errors.front().find(':');
        if (errors.front().rfind("instruction ", 0) == 0 && colon != std::string::npos)
            result.error_pc = std::stoll(errors.front().substr(12, colon - 12));
        return finish();
    }
    if (platform.prog_type != ProgType::Xdp && platform.prog_type != ProgType::Unspec) {
        fail(result, prog, -1,
             std::string("program type ") + prog_type_name(platform.prog_type) + " is not supported by the verifier");
        return finish();
    }
    IrProgram ir;
    try {
        ir = decode(prog.insns);
    } catch (const std::exception& e) {
        fail(result, prog, -1, std::string("cannot decode the program: ") + e.what());
        return finish();
    }
    for (const IrInsn& i : ir.insns) {
        const InsnSpec* spec = find_spec(prog.insns[i.pc]);
        if (spec && !platform.supports(spec->group)) {
            fail(result, prog, i.pc,
                 std::string("instruction group ") + group_name(spec->group) + " is not supported by platform " +
                     platform.name);
            return finish();
        }
    }
    verifier::Cfg cfg;
    if (auto problem = verifier::analyze_cfg(ir, prog.insns.size(), platform, cfg)) {
        fail(result, prog, problem->pc, problem->reason);
        return finish();
    }
    verifier::Analyzer analyzer(prog, ir, cfg, maps, platform, opts, result);
    try {
        analyzer.run();
        result.ok = true;
    } catch (const verifier::Reject& r) {
        fail(result, prog, analyzer.pc(), r.reason, r.regs);
        if (opts.log_level >= 1) result.log += result.error + "\n";
    }
    return finish();
}

std::string stats_line(const VerifierResult& r, const VerifierOptions& opts) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "processed %llu insns (limit %llu), states stored %llu, pruned %llu, peak pending %llu, call depth %llu, "
                  "%.3f ms",
                  static_cast<unsigned long long>(r.stats.insns_processed), static_cast<unsigned long long>(opts.insn_budget),
                  static_cast<unsigned long long>(r.stats.states_stored), static_cast<unsigned long long>(r.stats.states_pruned),
                  static_cast<unsigned long long>(r.stats.peak_states), static_cast<unsigned long long>(r.stats.max_call_depth),
                  r.stats.seconds * 1000);
    return buf;
}

}  // namespace bpfnic
