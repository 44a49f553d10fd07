// SPDX-License-Identifier: MIT
// Runs one test program on one engine with fresh input memory and captures everything a test
// compares: r0 (or the error), and the memory or packet afterwards. Shared by the corpus tests
// (tests/engines/) and the conformance tests (tests/conformance/).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/error.h"
#include "compiler/isa.h"
#include "tests/support/data_file.h"

namespace bpfnic::tests {

/// The engines every test is instantiated for, in this order.
inline constexpr const char* kAllEngines[] = {"interp", "jit", "hw"};

/// Does make_engine() know this engine in this build? The first time an engine is found absent,
/// says so on stderr.
bool engine_available(const std::string& engine);

struct Case {
    std::vector<RawInsn> insns;
    std::vector<uint8_t> input;  ///< raw mode: the memory; XDP mode: the packet
    bool xdp = false;            ///< run as XDP (software platform) instead of raw mode (conformance platform)
};

struct Outcome {
    bool ok = false;
    uint64_t r0 = 0;
    std::vector<uint8_t> output;  ///< raw mode: the memory after the run; XDP: the packet after the run
    ErrorKind error_kind = ErrorKind::Internal;
    std::string error;            ///< message when !ok

    std::string describe() const;  ///< "r0 = 0x..; memory after: .." or "error: .."
};

/// The program of a corpus file: its raw words, or its assembly assembled.
std::vector<RawInsn> program_of(const DataFile& f);

/// The case a corpus file describes.
Case case_of(const DataFile& f);

/// Loads and runs the case on a new instance of the engine; errors are captured, not thrown.
Outcome run_case(const std::string& engine, const Case& c);

/// Empty when both outcomes agree (both ran: same r0 and output; both failed), else a description
/// of every difference in hex.
std::string compare_outcomes(const Outcome& got, const Outcome& reference);

/// Empty when the outcome meets the file's expectation: r0, or an error. With exact_message the
/// error's message must contain the text (the interpreter's wording); other engines word their
/// errors their own way and only have to fail.
std::string check_expectation(const Outcome& got, std::optional<uint64_t> result, const std::optional<std::string>& error,
                              bool exact_message = true);

/// The reason an engine is known not to pass a test (a corpus file name or a conformance test
/// file name), or nullopt. The list lives in known_gaps.cc so that it stays visible.
std::optional<std::string> known_gap(const std::string& engine, const std::string& test_name);

/// "alu32/add32.data" -> "alu32_add32": a name googletest accepts.
std::string test_name_of(const std::string& file);

std::string hex(uint64_t v);
std::string hex_bytes(std::span<const uint8_t> bytes);

}  // namespace bpfnic::tests
