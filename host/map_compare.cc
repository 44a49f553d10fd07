// SPDX-License-Identifier: MIT
// Map contents comparison for the cross-check.
#include "host/map_compare.h"

#include <cerrno>
#include <cstring>
#include <vector>

#include "driver/report.h"

namespace bpfnic {

namespace {

std::optional<std::string> difference(Map& a, Map& b) {
    const MapDef& d = a.def();
    // Array-like maps: one compare over the whole storage.
    if (uint8_t* pa = a.array_base()) {
        uint8_t* pb = b.array_base();
        const size_t n = size_t{d.max_entries} * d.value_size;
        if (pb && std::memcmp(pa, pb, n) == 0) return std::nullopt;
        if (pb) {
            for (uint32_t i = 0; i < d.max_entries; ++i) {
                const size_t off = size_t{i} * d.value_size;
                if (std::memcmp(pa + off, pb + off, d.value_size) != 0)
                    return "index " + std::to_string(i) + ": " + hex_bytes(pa + off, d.value_size) + " vs " +
                           hex_bytes(pb + off, d.value_size);
            }
        }
    }
    std::vector<uint8_t> key(d.key_size), next(d.key_size), va(a.host_value_size()), vb(b.host_value_size());
    uint64_t count_a = 0, count_b = 0;
    const void* prev = nullptr;
    while (a.next_key(prev, next.data()) == 0 && count_a <= d.max_entries) {
        ++count_a;
        const int ra = a.lookup_copy(next.data(), va.data());
        if (ra == -EOPNOTSUPP) return std::nullopt;  // contents not readable from the host (perf, xsk)
        const int rb = b.lookup_copy(next.data(), vb.data());
        if (ra == 0 && rb != 0) return "key " + hex_bytes(next.data(), next.size()) + ": present vs absent";
        if (ra == 0 && va != vb)
            return "key " + hex_bytes(next.data(), next.size()) + ": " + hex_bytes(va.data(), va.size()) + " vs " +
                   hex_bytes(vb.data(), vb.size());
        key = next;
        prev = key.data();
    }
    prev = nullptr;
    while (b.next_key(prev, next.data()) == 0 && count_b <= d.max_entries) {
        ++count_b;
        key = next;
        prev = key.data();
    }
    if (count_a != count_b) return std::to_string(count_a) + " vs " + std::to_string(count_b) + " keys";
    return std::nullopt;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> first_map_difference(MapSet& a, MapSet& b) {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i)
        if (auto d = difference(a.at(i), b.at(i))) return std::make_pair(a.at(i).def().name, *d);
    return std::nullopt;
}

}  // namespace bpfnic
