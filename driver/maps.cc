// SPDX-License-Identifier: MIT
// make_map() (dispatch to the map families in driver/maps/), the creation checks they share,
// the default host-side copy-out lookup, and MapSet (instantiation, global data, map-in-map
// binding, bounds queries).
#include "driver/maps.h"

#include <cerrno>
#include <cstring>

#include "compiler/error.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic {

void map_def_error(const MapDef& def, const std::string& why) {
    throw Error(ErrorKind::BadInput, "map '" + def.name + "' (" + map_type_name(def.type) + "): " + why);
}

void check_map_def(const MapDef& def, uint32_t allowed_flags, bool value_required) {
    if (def.max_entries == 0) map_def_error(def, "max_entries must be > 0");
    if (value_required && def.value_size == 0) map_def_error(def, "value_size must be > 0");
    if (def.map_flags & ~allowed_flags)
        map_def_error(def, "map_flags 0x" + [&] {
            char b[16];
            snprintf(b, sizeof b, "%x", def.map_flags & ~allowed_flags);
            return std::string(b);
        }() + " not allowed for this map type");
    if ((def.map_flags & map_flag::kRdonly) && (def.map_flags & map_flag::kWronly))
        map_def_error(def, "BPF_F_RDONLY and BPF_F_WRONLY are exclusive");
    if ((def.map_flags & map_flag::kRdonlyProg) && (def.map_flags & map_flag::kWronlyProg))
        map_def_error(def, "BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG are exclusive");
}

void check_key_size(const MapDef& def, uint32_t want) {
    if (def.key_size != want)
        map_def_error(def, "key_size must be " + std::to_string(want) + " (got " + std::to_string(def.key_size) + ")");
}

std::unique_ptr<Map> make_map(const MapDef& def) {
    namespace t = map_type;
    switch (def.type) {
    case t::kArray:
    case t::kPercpuArray: return make_array_map(def);
    case t::kHash:
    case t::kPercpuHash:
    case t::kLruHash:
    case t::kLruPercpuHash: return make_hash_map(def);
    case t::kLpmTrie: return make_lpm_trie_map(def);
    case t::kProgArray: return make_prog_array_map(def);
    case t::kPerfEventArray: return make_perf_event_array_map(def);
    case t::kArrayOfMaps:
    case t::kHashOfMaps: return make_map_in_map(def);
    case t::kDevmap:
    case t::kDevmapHash:
    case t::kCpumap:
    case t::kXskmap: return make_redirect_map(def);
    default: break;
    }
    throw Error(ErrorKind::Unsupported,
                "map '" + def.name + "': map type " + std::to_string(def.type) + " (" + map_type_name(def.type) +
                    ") is not supported by the software engines");
}

int Map::lookup_copy(const void* key, void* value) {
    void* v = lookup(key);
    if (!v) return -ENOENT;
    const uint32_t host = host_value_size();
    std::memcpy(value, v, def_.value_size);
    if (host > def_.value_size) std::memset(static_cast<uint8_t*>(value) + def_.value_size, 0, host - def_.value_size);
    return 0;
}

MapSet::MapSet(const std::vector<MapDef>& defs) {
    maps_.reserve(defs.size());
    for (const MapDef& d : defs) maps_.push_back(make_map(d));
    std::vector<Map*> all;
    for (auto& m : maps_) all.push_back(m.get());
    for (size_t i = 0; i < maps_.size(); ++i) {
        auto* mim = dynamic_cast<MapInMap*>(maps_[i].get());
        if (!mim) continue;
        const MapDef& d = defs[i];
        if (d.inner_map < 0 || static_cast<size_t>(d.inner_map) >= maps_.size() || d.inner_map == static_cast<int32_t>(i))
            map_def_error(d, "inner_map must name another map of the object (got " + std::to_string(d.inner_map) + ")");
        const Map* inner = maps_[d.inner_map].get();
        if (dynamic_cast<const MapInMap*>(inner) || inner->def().type == map_type::kProgArray)
            map_def_error(d, "inner map '" + inner->def().name + "' may not be a map-in-map or a prog array");
        mim->bind(all, inner);
    }
}

int MapSet::find(const std::string& name) const {
    for (size_t i = 0; i < maps_.size(); ++i)
        if (maps_[i]->def().name == name) return static_cast<int>(i);
    return -1;
}

bool MapSet::owns(uint64_t p, uint64_t n) const {
    for (const auto& m : maps_)
        if (m->owns(p, n)) return true;
    return false;
}

}  // namespace bpfnic
