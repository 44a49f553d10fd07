// SPDX-License-Identifier: MIT
// Test utility: MapDef construction and typed key/value calls on maps.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "driver/maps.h"

namespace bpfnic::test {

inline MapDef map_def(const char* name, uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                      uint32_t flags = 0) {
    MapDef d;
    d.name = name;
    d.type = type;
    d.key_size = key_size;
    d.value_size = value_size;
    d.max_entries = max_entries;
    d.map_flags = flags;
    return d;
}

template <typename K, typename V>
int update(Map& m, K k, V v, uint64_t flags = 0) {
    return m.update(&k, &v, flags);
}
template <typename K>
int erase(Map& m, K k) {
    return m.erase(&k);
}
template <typename V, typename K>
V* lookup(Map& m, K k) {
    return static_cast<V*>(m.lookup(&k));
}

/// Every key in get_next_key order.
template <typename K>
std::vector<K> keys(Map& m) {
    std::vector<K> out;
    K k{}, n{};
    const void* prev = nullptr;
    while (m.next_key(prev, &n) == 0) {
        out.push_back(n);
        k = n;
        prev = &k;
        if (out.size() > 100000) break;
    }
    return out;
}

}  // namespace bpfnic::test
