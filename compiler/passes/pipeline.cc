// SPDX-License-Identifier: MIT
// The pass list, in order, and the driver of a compilation.
#include "compiler/passes/pipeline.h"

#include <algorithm>

#include "compiler/emit.h"
#include "compiler/error.h"
#include "compiler/mir.h"
#include "compiler/passes/pass.h"
#include "compiler/verifier/verifier.h"

namespace bpfnic {

namespace {

struct PassEntry {
    PassInfo info;
    passes::PassFn run;
};

const std::vector<PassEntry>& entries() {
    static const std::vector<PassEntry> e = {
        {{"cfg", "control-flow graph and dominators; unreachable code out", false}, passes::cfg},
        {{"lower_maps", "map references to map-unit handles; lddw to mov where it fits", false}, passes::lower_maps},
        {{"lower_lookups", "constant-key array lookups to addresses; read-only map loads to constants", true},
         passes::lower_lookups},
        {{"forward_stores", "stack loads of a just-stored register to register moves", true}, passes::forward_stores},
        {{"dead_stores", "stack stores whose bytes are never read again", true}, passes::dead_stores},
        {{"remove_checks", "packet bounds checks and branches the verifier proved one-way", true}, passes::remove_checks},
        {{"lower_ctx", "xdp_md loads to context-register reads", true}, passes::lower_ctx},
        {{"const_prop", "known constant register operands to immediates", true}, passes::const_prop},
        {{"copy_prop", "reads of copies to reads of the original", true}, passes::copy_prop},
        {{"fuse_counter", "load, add and store of a map value to one atomic add", true}, passes::fuse_counter},
        {{"combine_copies", "byte-by-byte copies to word, halfword and byte moves", true}, passes::combine_copies},
        {{"combine_stores", "byte stores of one value's bytes to one wide store", true}, passes::combine_stores},
        {{"combine_loads", "byte-load pairs forming a halfword to one halfword load", true}, passes::combine_loads},
        {{"remove_zeroing", "zeroing the self-reset already did", true}, passes::remove_zeroing},
        {{"fuse_alu3", "mov + ALU to 3-operand form", true}, passes::fuse_alu3},
        {{"fuse_exit", "r0 = imm + exit to a parametrized exit", true}, passes::fuse_exit},
        {{"fuse_bounds", "t = p + k; if t > end to one bounds-check jump", true}, passes::fuse_bounds},
        {{"dce", "dead instructions out", true}, passes::dce},
        {{"hoist", "pure instructions into the predecessor's branch bundle; fall-through blocks merged", true},
         passes::hoist},
        {{"schedule", "list scheduling into bundles", false}, passes::schedule},
    };
    return e;
}

std::string dump_with_bundles(const mir::Module& m) {
    std::string s = mir::dump(m);
    bool any = false;
    for (const mir::Block& b : m.blocks) any |= !b.bundles.empty();
    if (!any) return s;
    s += "; bundles\n";
    uint32_t addr = 0;
    for (size_t bi = 0; bi < m.blocks.size(); ++bi) {
        for (const mir::Bundle& bu : m.blocks[bi].bundles) {
            s += std::to_string(addr++) + " (B" + std::to_string(bi) + "):";
            for (size_t l = 0; l < bu.lane.size(); ++l) {
                s += l ? " | " : " ";
                if (bu.lane[l])
                    s += mir::format(bu.lane[l]->op);
                else
                    s += (l == 0 && bu.carry_hi) ? "(lddw upper " + std::to_string(*bu.carry_hi) + ")" : "nop";
            }
            s += "\n";
        }
    }
    return s;
}

}  // namespace

const std::vector<PassInfo>& pipeline_passes() {
    static const std::vector<PassInfo> v = [] {
        std::vector<PassInfo> r;
        for (const PassEntry& e : entries()) r.push_back(e.info);
        return r;
    }();
    return v;
}

CompileResult compile(const Program& prog, const std::vector<MapDef>& maps, const Platform& target, const Facts* facts,
                      const CompileOptions& opts) {
    if (!target.hw) throw Error(ErrorKind::BadInput, "compile: platform '" + target.name + "' is not a hardware target");
    if (opts.lanes < 1 || opts.lanes > target.hw->max_lanes)
        throw Error(ErrorKind::BadInput, "compile: --lanes " + std::to_string(opts.lanes) + " outside 1.." +
                                             std::to_string(target.hw->max_lanes));
    const auto& list = entries();
    if (!opts.dump_after.empty() && opts.dump_after != "all" &&
        std::none_of(list.begin(), list.end(), [&](const PassEntry& e) { return opts.dump_after == e.info.name; }))
        throw Error(ErrorKind::BadInput, "compile: --dump-after: no pass named '" + opts.dump_after + "'");
    for (const std::string& d : opts.disable) {
        auto it = std::find_if(list.begin(), list.end(), [&](const PassEntry& e) { return d == e.info.name; });
        if (it == list.end() || !it->info.optional)
            throw Error(ErrorKind::BadInput, "compile: pass '" + d + "' does not exist or cannot be disabled");
    }

    CompileResult r;
    r.lanes = opts.lanes;
    r.source_insns = decode(prog.insns).insns.size();
    r.refusal = check_capabilities(prog, maps, target);
    if (r.refusal) return r;

    mir::Module m = mir::build_module(prog, maps, target, facts);
    passes::PassOptions po{opts.lanes};
    for (const PassEntry& e : list) {
        if (std::find(opts.disable.begin(), opts.disable.end(), e.info.name) != opts.disable.end()) continue;
        passes::PassStats st;
        e.run(m, po, st);
        r.passes.push_back({e.info.name, mir::count_insns(m), st.counts});
        if (opts.dump && (opts.dump_after == "all" || opts.dump_after == e.info.name))
            *opts.dump << "; after " << e.info.name << "\n" << dump_with_bundles(m) << "\n";
    }
    r.image = emit_image(m, opts.lanes);
    r.insns = mir::count_insns(m);
    r.bundles = r.image.bundles();
    r.static_ipc = r.bundles ? static_cast<double>(r.insns) / r.bundles : 0;
    if (r.bundles > target.hw->imem_bundles) {
        r.refusal = Refusal{-1, std::to_string(r.bundles) + " bundles exceed the instruction memory (" +
                                    std::to_string(target.hw->imem_bundles) + " bundles)"};
        return r;
    }
    r.offloadable = true;
    return r;
}

CompileResult compile_program(const Program& prog, const std::vector<MapDef>& maps, const Platform& software,
                              const CompileOptions& opts, bool verify) {
    const Platform& target = hardware_platform_for(software);
    if (!verify) return compile(prog, maps, target, nullptr, opts);
    const VerifierResult v = bpfnic::verify(prog, maps, software);
    if (!v.ok) {
        CompileResult r;
        r.lanes = opts.lanes;
        r.source_insns = decode(prog.insns).insns.size();
        r.refusal = Refusal{v.error_pc, "rejected by the verifier: " + v.reason};
        r.verifier_rejected = true;
        return r;
    }
    return compile(prog, maps, target, &v.facts, opts);
}

}  // namespace bpfnic
