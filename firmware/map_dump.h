// SPDX-License-Identifier: MIT
// Map dumps: every entry of every map of a program in one byte string, as the firmware writes it
// to host memory for kCmdMapDump and reads it back for kCmdMapRestore (docs/mailbox.md). The host
// driver keeps the latest dump as its shadow of the card's maps and can also restore it into a
// software engine's maps. Layout (little-endian): u32 magic "MDMP", u32 maps; per map u32
// key_size, u32 value_size (host layout), u32 entries, then the entries, key then value.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "driver/maps.h"

namespace bpfnic::fw {

inline constexpr uint32_t kMapDumpMagic = 0x504d444d;  // "MDMP"

struct MapDumpStats {
    uint64_t maps = 0, entries = 0, refused = 0;
};

/// Every entry of every map (read-only maps included: restore skips them).
std::vector<uint8_t> dump_maps(MapSet& maps, MapDumpStats* stats = nullptr);

/// Writes a dump's entries into `maps` (same program: map i to map i, sizes checked); read-only
/// maps are skipped. Throws Error(BadInput) naming the map and field when the dump is malformed
/// or does not fit these maps. Entries a map refuses (full) are counted, not fatal.
MapDumpStats restore_maps(MapSet& maps, std::span<const uint8_t> dump);

}  // namespace bpfnic::fw
