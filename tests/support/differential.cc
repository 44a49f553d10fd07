// SPDX-License-Identifier: MIT
// Differential runs: fresh state per engine, full comparison, readable reports.
#include "tests/support/differential.h"

#include <cinttypes>
#include <cstdio>
#include <sstream>

#include "compiler/disasm.h"
#include "compiler/platform.h"
#include "driver/test_run.h"

namespace bpfnic::testing {

namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
    std::string s;
    char b[4];
    for (size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(b, sizeof b, "%02x", bytes[i]);
        s += b;
        if (i + 1 < bytes.size()) s += (i % 16 == 15) ? "\n      " : " ";
    }
    return s;
}

MapContents dump_map(Map& m) {
    MapContents out;
    if (m.def().type == map_type::kProgArray) return out;  // holds program indices, not data
    std::vector<uint8_t> key(m.def().key_size), next(m.def().key_size), value(m.host_value_size());
    const void* cur = nullptr;
    for (size_t guard = 0; guard < 1u << 20 && m.next_key(cur, next.data()) == 0; ++guard) {
        key = next;
        cur = key.data();
        if (m.lookup_copy(key.data(), value.data()) == 0) out[key] = value;
    }
    return out;
}

}  // namespace

MapContents map_contents(Map& m) { return dump_map(m); }

RunState run_program(Engine& engine, const RandomProgram& prog) {
    RunState s;
    MapSet maps(prog.object.maps);
    prog.prepare_maps(maps);
    ExecEnv env;
    env.maps = &maps;
    env.num_programs = static_cast<uint32_t>(prog.object.programs.size());
    try {
        engine.load(prog.object, 0, maps, software_xdp_platform());
        if (prog.mode == RandomProgramOptions::Mode::Raw) {
            std::vector<uint8_t> mem = prog.input;
            s.r0 = test_run_raw(engine, env, mem);
            s.memory = std::move(mem);
        } else {
            XdpBuff buff;
            TestRunInput in;
            in.data_in = prog.input;
            TestRunOutput out = test_run_xdp(engine, env, buff, in);
            s.r0 = out.retval;
            s.memory = std::move(out.data_out);
            s.meta = std::move(out.meta_out);
            s.redirect = out.redirect;
            s.trace = std::move(out.trace);
        }
    } catch (const std::exception& e) {
        s.error = e.what();
    }
    for (size_t i = 0; i < maps.size(); ++i) s.maps.push_back(dump_map(maps.at(i)));
    return s;
}

std::string describe(const RunState& s) {
    std::ostringstream o;
    char r0[32];
    std::snprintf(r0, sizeof r0, "0x%" PRIx64, s.r0);
    o << "  r0 = " << r0 << "\n";
    if (!s.error.empty()) o << "  error: " << s.error << "\n";
    o << "  memory (" << s.memory.size() << " bytes): " << hex(s.memory) << "\n";
    if (!s.meta.empty()) o << "  meta: " << hex(s.meta) << "\n";
    if (s.redirect.kind != RedirectTarget::Kind::None)
        o << "  redirect: kind " << static_cast<int>(s.redirect.kind) << " ifindex " << s.redirect.ifindex << " map "
          << s.redirect.map_index << " key " << s.redirect.key << "\n";
    for (const std::string& t : s.trace) o << "  trace: " << t << "\n";
    for (size_t i = 0; i < s.maps.size(); ++i) {
        o << "  map " << i << ": " << s.maps[i].size() << " entries\n";
        for (const auto& [k, v] : s.maps[i]) o << "    " << hex(k) << " => " << hex(v) << "\n";
    }
    return o.str();
}

std::string listing(const Object& obj) {
    std::ostringstream o;
    for (const Program& p : obj.programs) {
        o << "program '" << p.name << "' (" << p.insns.size() << " slots):\n";
        for (size_t pc = 0; pc < p.insns.size(); ++pc) {
            o << "  " << pc << ": " << format_insn(&p.insns[pc], pc, Syntax::Llvm) << "\n";
            if (p.insns[pc].opcode == (op::kClsLd | op::kModeImm | op::kSizeDW)) ++pc;
        }
    }
    return o.str();
}

DiffOutcome compare_engines(const RandomProgram& prog, Engine& reference, Engine& candidate) {
    DiffOutcome d;
    const RunState a = run_program(reference, prog);
    if (!a.error.empty()) {
        d.reference_failed = true;
        d.report = "seed " + std::to_string(prog.seed) + ": " + reference.name() + " failed: " + a.error + "\n" +
                   listing(prog.object);
        return d;
    }
    const RunState b = run_program(candidate, prog);
    d.same = a == b;
    if (!d.same)
        d.report = "seed " + std::to_string(prog.seed) + ": " + reference.name() + " and " + candidate.name() +
                   " differ\n" + listing(prog.object) + reference.name() + ":\n" + describe(a) + candidate.name() +
                   ":\n" + describe(b);
    return d;
}

}  // namespace bpfnic::testing
