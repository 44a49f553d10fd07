// SPDX-License-Identifier: MIT
// Whole-map operations shared by the host side and the firmware: an order-independent digest of a
// map's contents (what the cross-check compares after every packet, on the card and in software)
// and a host-side copy of one map's entries into another (hot swap, snapshots).
#pragma once

#include <cstdint>
#include <vector>

#include "driver/maps.h"

namespace bpfnic {

/// Digest of every entry (key and host-side value); equal contents give equal digests whatever
/// the iteration order. Maps whose values the host cannot read digest their keys only.
uint64_t map_digest(Map& map);
std::vector<uint64_t> map_digests(MapSet& maps);

/// Do two definitions describe the same map (name, type, key, value, entries, flags)?
bool same_map_shape(const MapDef& a, const MapDef& b);

/// Copies every entry of `from` into `to` (same shape); returns the entries copied. Entries
/// `to` refuses (read-only maps, full maps) are skipped.
uint64_t copy_map_entries(Map& from, Map& to);

}  // namespace bpfnic
