// SPDX-License-Identifier: MIT
// Internal to the maps: the per-family factories behind make_map(), the creation checks they
// share, and the map interfaces helpers need beyond Map (tail-call slots, redirect targets,
// perf slots, map-in-map binding).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/maps.h"

namespace bpfnic {

/// Map creation flags (BPF_F_* of map_flags).
namespace map_flag {
inline constexpr uint32_t kNoPrealloc = 1u << 0, kNoCommonLru = 1u << 1, kNumaNode = 1u << 2,
                          kRdonly = 1u << 3, kWronly = 1u << 4, kZeroSeed = 1u << 6, kRdonlyProg = 1u << 7,
                          kWronlyProg = 1u << 8, kMmapable = 1u << 10, kPreserveElems = 1u << 11,
                          kInnerMap = 1u << 12;
inline constexpr uint32_t kAccessMask = kRdonly | kWronly | kRdonlyProg | kWronlyProg;
}  // namespace map_flag

/// Throws Error(BadInput) "map 'NAME' (TYPE): WHY".
[[noreturn]] void map_def_error(const MapDef& def, const std::string& why);
/// Common creation checks: max_entries > 0, value_size > 0 (when required), flags within allowed.
void check_map_def(const MapDef& def, uint32_t allowed_flags, bool value_required = true);
/// key_size must equal want (arrays: 4).
void check_key_size(const MapDef& def, uint32_t want);

/// Round up to a multiple of 8 (the kernel's per-element and per-CPU stride).
inline uint32_t round_up8(uint32_t n) { return (n + 7) & ~7u; }

std::unique_ptr<Map> make_array_map(const MapDef& def);
std::unique_ptr<Map> make_hash_map(const MapDef& def);
std::unique_ptr<Map> make_lpm_trie_map(const MapDef& def);
std::unique_ptr<Map> make_prog_array_map(const MapDef& def);
std::unique_ptr<Map> make_perf_event_array_map(const MapDef& def);
std::unique_ptr<Map> make_map_in_map(const MapDef& def);
std::unique_ptr<Map> make_redirect_map(const MapDef& def);

/// PROG_ARRAY: u32 program indices by slot.
class ProgArrayMap : public Map {
public:
    using Map::Map;
    /// The program index in slot, or -1 when the slot is empty or out of range.
    virtual int64_t program(uint32_t slot) const = 0;
};

/// DEVMAP, DEVMAP_HASH, CPUMAP, XSKMAP: what bpf_redirect_map resolves a key to.
class RedirectMap : public Map {
public:
    using Map::Map;
    /// The device ifindex (devmaps), cpu (cpumap) or socket id (xskmap) at key, if present.
    virtual bool resolve(uint32_t key, uint32_t* target) const = 0;
    /// Flags besides the action bits that bpf_redirect_map accepts for this map type.
    virtual uint64_t extra_redirect_flags() const = 0;
};

/// PERF_EVENT_ARRAY: which slots have a listener.
class PerfEventArrayMap : public Map {
public:
    using Map::Map;
    virtual bool open(uint32_t slot) const = 0;
};

/// ARRAY_OF_MAPS / HASH_OF_MAPS: values are map indices of the MapSet, resolved through the
/// MapSet's maps (heap objects whose addresses never change) bound after creation.
class MapInMap : public Map {
public:
    using Map::Map;
    /// all: every map of the set by index; inner_template: the inner map template (or null).
    virtual void bind(std::vector<Map*> all, const Map* inner_template) = 0;
};

}  // namespace bpfnic
