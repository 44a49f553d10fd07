// SPDX-License-Identifier: MIT
// Map digests and host-side map copies.
#include "driver/api/map_state.h"

#include <cerrno>

namespace bpfnic {

namespace {
uint64_t fnv1a(const uint8_t* p, size_t n, uint64_t h = 0xcbf29ce484222325ull) {
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    return x ^ (x >> 33);
}

template <typename Fn>
void for_each_key(Map& map, Fn&& fn) {
    const uint32_t ks = map.def().key_size;
    std::vector<uint8_t> key(ks), next(ks);
    bool first = true;
    // Bounded: a map never holds more than max_entries keys.
    for (uint64_t n = 0; n <= map.def().max_entries; ++n) {
        if (map.next_key(first ? nullptr : key.data(), next.data()) != 0) return;
        first = false;
        key = next;
        fn(key);
    }
}
}  // namespace

uint64_t map_digest(Map& map) {
    uint64_t sum = 0, count = 0;
    std::vector<uint8_t> value(map.host_value_size());
    for_each_key(map, [&](const std::vector<uint8_t>& key) {
        uint64_t h = fnv1a(key.data(), key.size());
        if (map.lookup_copy(key.data(), value.data()) == 0) h = fnv1a(value.data(), value.size(), h);
        sum += mix(h);
        ++count;
    });
    return mix(sum ^ mix(count));
}

std::vector<uint64_t> map_digests(MapSet& maps) {
    std::vector<uint64_t> out;
    out.reserve(maps.size());
    for (size_t i = 0; i < maps.size(); ++i) out.push_back(map_digest(maps.at(i)));
    return out;
}

bool same_map_shape(const MapDef& a, const MapDef& b) {
    return a.name == b.name && a.type == b.type && a.key_size == b.key_size && a.value_size == b.value_size &&
           a.max_entries == b.max_entries && a.map_flags == b.map_flags;
}

uint64_t copy_map_entries(Map& from, Map& to) {
    uint64_t copied = 0;
    std::vector<uint8_t> value(from.host_value_size());
    for_each_key(from, [&](const std::vector<uint8_t>& key) {
        if (from.lookup_copy(key.data(), value.data()) != 0) return;
        if (to.update(key.data(), value.data(), update_flag::kAny) == 0) ++copied;
    });
    return copied;
}

}  // namespace bpfnic
