// SPDX-License-Identifier: MIT
// The whole bpf_conformance suite (tests_assembled.jsonl) on the JIT: conformance platform, raw
// mode (r1 = a copy of the memory, r2 = its length), r0 compared with the expected value. Skips
// when the suite is absent.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/platform.h"
#include "driver/jit/jit_engine.h"
#include "driver/test_run.h"

namespace bpfnic {
namespace {

std::vector<uint8_t> hex_bytes(const std::string& s) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    return out;
}

TEST(JitConformance, WholeSuite) {
    const std::filesystem::path path = std::filesystem::path(BPFNIC_CONFORMANCE_DIR) / "tests_assembled.jsonl";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "conformance suite not found at " << path;
    std::ifstream in(path);
    std::string line;
    int total = 0, passed = 0;
    std::vector<std::string> failures;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto j = nlohmann::json::parse(line);
        const std::string file = j.at("file").get<std::string>();
        ++total;
        Object obj;
        obj.path = file;
        Program prog;
        prog.name = file;
        prog.insns = insns_from_bytes(hex_bytes(j.at("code").get<std::string>()));
        obj.programs.push_back(prog);
        std::vector<uint8_t> mem = hex_bytes(j.at("mem").get<std::string>());
        const std::string expected_error = j.value("expected_error", "");
        const std::string expected_hex = j.value("expected_r0", "");
        try {
            MapSet maps;
            JitEngine jit;
            jit.load(obj, 0, maps, conformance_platform());
            ExecEnv env;
            env.maps = &maps;
            env.num_programs = 1;
            const uint64_t r0 = test_run_raw(jit, env, mem);
            const uint64_t want = expected_hex.empty() ? 0 : std::stoull(expected_hex, nullptr, 16);
            if (!expected_error.empty())
                failures.push_back(file + ": expected error '" + expected_error + "', got r0 " + std::to_string(r0));
            else if (r0 != want)
                failures.push_back(file + ": r0 = " + std::to_string(r0) + ", expected " + expected_hex);
            else
                ++passed;
        } catch (const Error& e) {
            if (!expected_error.empty())
                ++passed;
            else
                failures.push_back(file + ": " + e.what());
        }
    }
    for (const std::string& f : failures) ADD_FAILURE() << f;
    std::cout << "jit conformance: " << passed << "/" << total << " passed\n";
    EXPECT_EQ(passed, total);
    EXPECT_EQ(total, 313);
}

}  // namespace
}  // namespace bpfnic
