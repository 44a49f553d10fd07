// SPDX-License-Identifier: MIT
// Result files: JSON Lines, one record per case, written atomically (a temporary file in the same
// folder, flushed and synced, then renamed over the target) so that a killed or retried shard
// leaves either its whole previous file or its whole new one, never half a file.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bpfnic::regress {

/// A record and where it was read from ("FILE:LINE").
struct SourcedRecord {
    nlohmann::json record;
    std::string where;
};

/// Writes one compact JSON object per line. Throws bpfnic::Error (BadInput) naming the file when
/// it cannot be written.
void write_records_atomic(const std::string& path, const std::vector<nlohmann::json>& records);

/// Reads a JSON Lines file (empty lines skipped). Throws bpfnic::Error: NotFound for a missing
/// file, BadInput "FILE:LINE: ..." for a line that is not a JSON object.
std::vector<SourcedRecord> read_records(const std::string& path);

}  // namespace bpfnic::regress
