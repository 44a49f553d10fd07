// SPDX-License-Identifier: MIT
// A loaded program's maps as the run report's JSON (driver/report.h's format), read and written
// through the driver's map calls (bpfnic_map__*), and the driver's map errno codes as the
// command's errors.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "driver/bpfnic.h"

namespace bpfnic {

/// {"NAME": {"type", "key_size", "value_size", "max_entries", "entries": [{"key", "value"}...]}}
/// for every map of the program; "entries" is null for maps the host cannot read.
nlohmann::json prog_maps_to_json(bpfnic_prog* prog);
nlohmann::json prog_map_to_json(bpfnic_map* map);

/// Writes the entries of `j` (a map object as above or a bare entries array) with BPF_ANY.
/// Throws Error (BadInput) naming `what` and the entry.
void prog_map_from_json(bpfnic_map* map, const nlohmann::json& j, const std::string& what);

/// Throws the Error of a failed map call: `rc` (-errno) named as the kernel names it (EINVAL,
/// E2BIG, EEXIST, ENOENT, ...) after `what`, with the kind the command's exit codes expect
/// (EINVAL bad input, ENOENT not found, E2BIG/EEXIST/EPERM rejected).
[[noreturn]] void throw_map_error(int rc, const std::string& what);

}  // namespace bpfnic
