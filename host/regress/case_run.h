// SPDX-License-Identifier: MIT
// Running one regression case on the project's run path (object, verifier, a driver session over
// pcap or generated packets, cross-checked by the driver) and describing it as one result record
// (JSON, format in docs/regress.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "host/regress/shard.h"
#include "host/regress/suite.h"

namespace bpfnic::regress {

inline constexpr int kRecordSchema = 1;

/// Where a record was produced and how to repeat it.
struct RecordContext {
    std::string exe = "bpfnic";  ///< the command to put in repro lines
    ShardSpec shard;
};

/// The command line that runs this one case again (same suite, same examples folder).
std::string repro_command(const Suite& suite, const RegressCase& c, const std::string& exe);

/// Runs the case and returns its record. Never throws for a failure of the case itself: errors
/// become records with status "fail" (the module or an engine misbehaved: rejected, runtime,
/// unsupported) or "error" (the case could not be set up: missing or malformed input, internal).
nlohmann::json run_case(const Suite& suite, const RegressCase& c, const RecordContext& ctx);

}  // namespace bpfnic::regress
