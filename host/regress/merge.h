// SPDX-License-Identifier: MIT
// Combining result records (of every shard of a run, or of one shard) into one result: counts,
// failures with their repro commands, flow parts added up into their whole trace and checked
// against its expectation, exactly merged histograms, hardware throughput. The same records give
// the same result in any order and however they were sharded; wall-clock facts are kept apart
// under "wall" and the input files under "inputs".
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/regress/records.h"

namespace bpfnic::regress {

struct MergeOptions {
    /// The records are one shard's (or a selection of cases): missing cases are not an error and
    /// flow-part groups are checked only when all their parts are present.
    bool partial = false;
    std::vector<std::string> inputs;  ///< file names, recorded under "inputs"
};

struct MergeResult {
    nlohmann::json result;
    int exit_code = 0;  ///< exit_code::kOk, kRegressFailed or kRegressInfra
};

/// Throws bpfnic::Error (BadInput) naming FILE:LINE for a malformed record, records of different
/// suites, or a case present twice.
MergeResult merge_records(const std::vector<SourcedRecord>& records, const MergeOptions& opts);

/// The result as a Markdown summary.
std::string merged_markdown(const nlohmann::json& result);

/// A few lines for the terminal: counts, then each failure with its repro command.
void print_merge_summary(std::ostream& out, const nlohmann::json& result);

}  // namespace bpfnic::regress
