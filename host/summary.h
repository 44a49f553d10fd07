// SPDX-License-Identifier: MIT
// Human-readable text of run reports: the summary `bpfnic run` prints and the map listing of
// `bpfnic map dump`.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "driver/report.h"

namespace bpfnic {

void print_summary(std::ostream& out, const RunReport& r);

/// One map as map_to_json() describes it: a header line, then "key: .. value: .." lines.
void print_map(std::ostream& out, const std::string& name, const nlohmann::json& map);

/// Fixed-point text of a double ("12.3"), "-" for a null JSON value.
std::string fixed(double v, int digits);

}  // namespace bpfnic
