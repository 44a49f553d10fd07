// SPDX-License-Identifier: MIT
// The bpf_conformance suite (tests_assembled.jsonl) on the 1- and 4-lane cores, once one
// instruction per bundle with the co-simulation checker on and once compiled into VLIW bundles:
// expected r0 (or an error), and the same outcome as the interpreter.
// Reports the pass count per configuration. Skipped when the suite is absent. Left out, with the
// reason printed: callx (no register-indirect call unit in hardware).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/isa.h"
#include "tests/rtl/rtl_test_util.h"

namespace bpfnic::tests {
namespace {

std::vector<uint8_t> from_hex(const std::string& s) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    return out;
}

// Conformance tests the hardware does not run, with the reason.
const char* left_out(const std::string& file) {
    if (file == "callx.data") return "callx: the core has no register-indirect call unit";
    return nullptr;
}

struct Config {
    unsigned lanes;
    bool compiled;
};

class RtlConformance : public ::testing::TestWithParam<Config> {};

TEST_P(RtlConformance, WholeSuite) {
    const std::string path = std::string(BPFNIC_CONFORMANCE_DIR) + "/tests_assembled.jsonl";
    std::ifstream in(path);
    if (!in) GTEST_SKIP() << "conformance suite absent: " << path;
    const unsigned lanes = GetParam().lanes;
    const bool compiled = GetParam().compiled;
    int total = 0, passed = 0, skipped = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto j = nlohmann::json::parse(line);
        const std::string file = j["file"];
        ++total;
        if (const char* why = left_out(file)) {
            std::cout << "[ rtl      ] left out " << file << ": " << why << "\n";
            ++skipped;
            continue;
        }
        const auto insns = insns_from_bytes(from_hex(j["code"]));
        const auto mem = from_hex(j["mem"]);
        const std::string expected_error = j["expected_error"];
        const HwOutcome hw = run_program("hw", insns, mem, false, lanes, !compiled);
        const HwOutcome ref = run_program("interp", insns, mem, false);
        bool ok;
        if (!expected_error.empty()) {
            ok = !hw.ok;
        } else {
            ok = hw.ok && hw.r0 == std::stoull(std::string(j["expected_r0"]), nullptr, 16) && ref.ok &&
                 hw.r0 == ref.r0 && hw.output == ref.output;
        }
        EXPECT_TRUE(ok) << file << " on " << lanes << " lane(s): " << (hw.ok ? "r0 = " + std::to_string(hw.r0) : hw.error)
                        << " (expected " << std::string(j["expected_r0"]) << expected_error << ")";
        passed += ok;
    }
    std::cout << "[ rtl      ] conformance on " << lanes << " lane(s), " << (compiled ? "compiled" : "co-simulated")
              << ": " << passed << " of " << total
              << " pass, " << skipped << " left out\n";
    EXPECT_EQ(passed + skipped, total);
}

INSTANTIATE_TEST_SUITE_P(Lanes, RtlConformance,
                         ::testing::Values(Config{1, false}, Config{4, false}, Config{1, true}, Config{4, true}),
                         [](const auto& info) {
                             return (info.param.compiled ? "Compiled" : "Cosim") + std::to_string(info.param.lanes);
                         });

}  // namespace
}  // namespace bpfnic::tests
