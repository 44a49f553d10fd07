// SPDX-License-Identifier: MIT
// The verifier's data-driven corpus (tests/verifier/corpus/*.vcase, format in README.md): cases of
// a program in assembly, its maps and platform, and the expected verdict.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/program.h"

namespace bpfnic::tests {

struct VerifierCase {
    std::string file;
    int line = 0;               ///< line of the "===" header
    std::string name;
    std::vector<MapDef> maps;
    bool conformance = false;   ///< conformance platform (raw memory context) instead of XDP
    std::optional<uint32_t> mem_size;
    uint64_t budget = 1000000;  ///< complexity budget (platform option budget=N)
    std::string asm_text;
    bool expect_accept = false;
    std::string expected_error;  ///< exact first line of the rejection
};

/// googletest prints a case by its place in the corpus.
inline void PrintTo(const VerifierCase& c, std::ostream* os) { *os << c.file << ":" << c.line << " " << c.name; }

/// Parses one corpus file; throws bpfnic::Error(BadInput) with file and line on malformed input.
std::vector<VerifierCase> parse_verifier_cases(const std::string& text, const std::string& file);

/// Every case of every *.vcase file in dir, sorted by file.
std::vector<VerifierCase> load_verifier_corpus(const std::string& dir);

}  // namespace bpfnic::tests
