// SPDX-License-Identifier: MIT
// Comparing two instances of an object's maps (one per engine in a cross-check): same keys, same
// values, map by map.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "driver/maps.h"

namespace bpfnic {

/// The first difference between a and b (instantiated from the same definitions) as
/// {map name, detail}, or nullopt when they hold the same contents.
std::optional<std::pair<std::string, std::string>> first_map_difference(MapSet& a, MapSet& b);

}  // namespace bpfnic
