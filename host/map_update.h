// SPDX-License-Identifier: MIT
// bpfnic map update: one entry written through the driver (bpfnic_map__update_elem, the kernel's
// rules for BPF_MAP_UPDATE_ELEM), with the errno it answers explained in the command's words.
#pragma once

#include <string>

#include "driver/bpfnic.h"

namespace bpfnic {

/// flags: "any", "noexist" or "exist". Throws Error naming the map and the errno: EINVAL (bad
/// input: key or value of the wrong size), E2BIG and EEXIST (rejected), ENOENT (not found).
void update_map_entry(bpfnic_map* map, const std::string& key_hex, const std::string& value_hex, const std::string& flags);

}  // namespace bpfnic
