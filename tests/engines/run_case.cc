// SPDX-License-Identifier: MIT
// Running test programs on engines and comparing their outcomes (see run_case.h).
#include "tests/engines/run_case.h"

#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>

#include "compiler/asm.h"
#include "compiler/platform.h"
#include "compiler/program.h"
#include "driver/engine.h"
#include "driver/maps.h"
#include "driver/test_run.h"
#include "driver/xdp_buff.h"

namespace bpfnic::tests {

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

std::string hex_bytes(std::span<const uint8_t> bytes) {
    std::string s;
    char b[4];
    for (size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(b, sizeof b, "%02x", bytes[i]);
        if (i) s += ' ';
        s += b;
    }
    return s;
}

bool engine_available(const std::string& engine) {
    static std::mutex mu;
    static std::map<std::string, bool> known;
    std::lock_guard<std::mutex> lock(mu);
    auto it = known.find(engine);
    if (it != known.end()) return it->second;
    bool ok = true;
    try {
        make_engine(engine);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;
        ok = false;
        std::cerr << "[ engines  ] engine '" << engine << "' is absent from this build (" << e.what()
                  << "): its tests are not instantiated\n";
    }
    known[engine] = ok;
    return ok;
}

std::string Outcome::describe() const {
    if (!ok) return "error: " + error;
    return "r0 = " + hex(r0) + (output.empty() ? "" : "; output after: " + hex_bytes(output));
}

std::vector<RawInsn> program_of(const DataFile& f) {
    if (f.has_raw) return f.raw;
    return assemble(f.asm_text);
}

Case case_of(const DataFile& f) {
    Case c;
    c.insns = program_of(f);
    c.xdp = f.has_packet;
    c.input = f.has_packet ? f.packet : f.mem;
    return c;
}

Outcome run_case(const std::string& engine_name, const Case& c) {
    Outcome out;
    try {
        Object obj;
        obj.path = "<test>";
        obj.programs.push_back(
            {"test", c.xdp ? "xdp" : "conformance", c.xdp ? ProgType::Xdp : ProgType::Unspec, c.insns});
        MapSet maps;
        // The corpus tests instruction semantics, including XDP-mode programs no verifier would
        // pass (non-verdict return values, ld_abs): engines load them unverified.
        EngineOptions eo;
        eo.verify_typed = false;
        auto engine = make_engine(engine_name, eo);
        engine->load(obj, 0, maps, c.xdp ? software_xdp_platform() : conformance_platform());
        ExecEnv env;
        env.maps = &maps;
        env.num_programs = 1;
        if (c.xdp) {
            XdpBuff buff;
            TestRunInput in;
            in.data_in = c.input;
            TestRunOutput r = test_run_xdp(*engine, env, buff, in);
            out.r0 = r.retval;
            out.output = r.data_out;
        } else {
            std::vector<uint8_t> mem = c.input;  // a fresh copy for every run
            out.r0 = test_run_raw(*engine, env, mem);
            out.output = mem;
        }
        out.ok = true;
    } catch (const Error& e) {
        out.ok = false;
        out.error_kind = e.kind();
        out.error = e.what();
    }
    return out;
}

std::string compare_outcomes(const Outcome& got, const Outcome& ref) {
    if (!got.ok && !ref.ok) return "";
    if (got.ok != ref.ok) return "engine: " + got.describe() + "\ninterpreter: " + ref.describe();
    std::string diff;
    if (got.r0 != ref.r0) diff += "r0: engine " + hex(got.r0) + ", interpreter " + hex(ref.r0) + "\n";
    if (got.output != ref.output) {
        diff += "output differs (" + std::to_string(got.output.size()) + " vs " + std::to_string(ref.output.size()) +
                " bytes)\n  engine:      " + hex_bytes(got.output) + "\n  interpreter: " + hex_bytes(ref.output) + "\n";
        for (size_t i = 0; i < std::min(got.output.size(), ref.output.size()); ++i) {
            if (got.output[i] != ref.output[i]) {
                diff += "  first difference at byte " + std::to_string(i) + "\n";
                break;
            }
        }
    }
    return diff;
}

std::string check_expectation(const Outcome& got, std::optional<uint64_t> result, const std::optional<std::string>& error,
                              bool exact_message) {
    if (error) {
        if (got.ok) return "expected an error containing '" + *error + "', got " + got.describe();
        if (exact_message && got.error.find(*error) == std::string::npos)
            return "expected an error containing '" + *error + "', got: " + got.error;
        return "";
    }
    if (!got.ok) return "expected r0 = " + hex(result.value_or(0)) + ", got " + got.describe();
    if (result && got.r0 != *result) return "expected r0 = " + hex(*result) + ", got " + hex(got.r0);
    return "";
}

std::string test_name_of(const std::string& file) {
    std::string s = file;
    if (s.size() > 5 && s.substr(s.size() - 5) == ".data") s.resize(s.size() - 5);
    for (char& ch : s)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return s;
}

}  // namespace bpfnic::tests
