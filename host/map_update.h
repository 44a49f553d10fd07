// SPDX-License-Identifier: MIT
// bpfnic map update: writes one entry into a map of a finished run's report, with the kernel's
// rules for BPF_MAP_UPDATE_ELEM (key and value sizes, array bounds, capacity, BPF_ANY /
// BPF_NOEXIST / BPF_EXIST), so the edited report can seed the next run (run --map NAME=REPORT).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace bpfnic {

/// Applies the update to `map` (a report's map object: type, key_size, value_size, max_entries,
/// entries). flags: "any", "noexist" or "exist". Throws Error naming the map and the errno.
void update_report_map(nlohmann::json& map, const std::string& name, const std::string& key_hex,
                       const std::string& value_hex, const std::string& flags);

}  // namespace bpfnic
