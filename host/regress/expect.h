// SPDX-License-Identifier: MIT
// Expected outcomes of a case (the suite's "expect" object) checked against what happened: used
// per case by `bpfnic regress`, and per whole trace (flow parts added up) by `bpfnic merge`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/error.h"

namespace bpfnic::regress {

/// The facts an expectation is checked against.
struct Outcome {
    uint64_t packets = 0;
    nlohmann::json verdicts = nlohmann::json::object();  ///< counts by verdict name
    std::optional<std::string> error;  ///< error kind name when the case did not finish
    bool offloaded = false;
    uint64_t mismatches = 0;
};

/// "rejected", "unsupported", "runtime", "bad_input", "not_found" or "internal".
const char* error_kind_name(ErrorKind k);

/// Does an error of this kind mean the module or an engine misbehaved (a failure), rather than
/// that the case could not be set up (an infrastructure error)?
bool is_failure_kind(const std::string& kind);

/// One line per unmet expectation (empty: all met, or expect is null).
std::vector<std::string> unmet_expectations(const nlohmann::json& expect, const Outcome& o);

}  // namespace bpfnic::regress
