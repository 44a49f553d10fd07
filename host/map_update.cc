// SPDX-License-Identifier: MIT
// One map update through the driver, its errno explained.
#include "host/map_update.h"

#include <cerrno>

#include "compiler/error.h"
#include "driver/maps.h"
#include "driver/report.h"
#include "driver/test_run.h"
#include "host/map_json.h"

namespace bpfnic {

void update_map_entry(bpfnic_map* map, const std::string& key_hex, const std::string& value_hex, const std::string& flags) {
    uint64_t f = update_flag::kAny;
    if (flags == "noexist") f = update_flag::kNoExist;
    else if (flags == "exist") f = update_flag::kExist;
    else if (flags != "any") throw Error(ErrorKind::BadInput, "--flags " + flags + ": must be any, noexist or exist");
    const auto key = parse_hex_bytes(key_hex, "--key");
    const auto value = parse_hex_bytes(value_hex, "--value");
    const MapDef& d = *bpfnic_map__def(map);
    const size_t value_size = bpfnic_map__value_size(map);
    const std::string what = "map '" + d.name + "'";
    if (key.size() != d.key_size)
        throw Error(ErrorKind::BadInput, what + ": EINVAL: the key has " + std::to_string(key.size()) + " bytes, the map " +
                                             std::to_string(d.key_size));
    if (value.size() != value_size)
        throw Error(ErrorKind::BadInput, what + ": EINVAL: the value has " + std::to_string(value.size()) +
                                             " bytes, the map " + std::to_string(value_size));
    const int rc = bpfnic_map__update_elem(map, key.data(), key.size(), value.data(), value.size(), f);
    if (rc == 0) return;
    const std::string k = hex_bytes(key.data(), key.size());
    const bool array = d.type == map_type::kArray || d.type == map_type::kPercpuArray;
    if (rc == -E2BIG && array) {
        uint32_t index = 0;
        for (size_t i = 0; i < 4 && i < key.size(); ++i) index |= static_cast<uint32_t>(key[i]) << (8 * i);
        throw Error(ErrorKind::Rejected, what + ": E2BIG: index " + std::to_string(index) + " is beyond max_entries " +
                                             std::to_string(d.max_entries));
    }
    if (rc == -E2BIG)
        throw Error(ErrorKind::Rejected, what + ": E2BIG: the map is full (max_entries " + std::to_string(d.max_entries) + ")");
    if (rc == -EEXIST) throw Error(ErrorKind::Rejected, what + ": EEXIST: key " + k + " is present (--flags noexist)");
    if (rc == -ENOENT) throw Error(ErrorKind::NotFound, what + ": ENOENT: no key " + k + " (--flags exist)");
    throw_map_error(rc, what);
}

}  // namespace bpfnic
