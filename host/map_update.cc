// SPDX-License-Identifier: MIT
// Kernel-rule updates of a report's map contents.
#include "host/map_update.h"

#include "compiler/error.h"
#include "driver/report.h"
#include "driver/test_run.h"

namespace bpfnic {

namespace {
bool is_array(const std::string& type) { return type == "array" || type == "percpu_array"; }
}  // namespace

void update_report_map(nlohmann::json& map, const std::string& name, const std::string& key_hex,
                       const std::string& value_hex, const std::string& flags) {
    if (flags != "any" && flags != "noexist" && flags != "exist")
        throw Error(ErrorKind::BadInput, "--flags " + flags + ": must be any, noexist or exist");
    const auto key = parse_hex_bytes(key_hex, "--key");
    const auto value = parse_hex_bytes(value_hex, "--value");
    const auto key_size = map["key_size"].get<size_t>(), value_size = map["value_size"].get<size_t>();
    const std::string what = "map '" + name + "': ";
    if (key.size() != key_size)
        throw Error(ErrorKind::BadInput, what + "EINVAL: the key has " + std::to_string(key.size()) + " bytes, the map " +
                                             std::to_string(key_size));
    if (value.size() != value_size)
        throw Error(ErrorKind::BadInput, what + "EINVAL: the value has " + std::to_string(value.size()) +
                                             " bytes, the map " + std::to_string(value_size));
    if (map["entries"].is_null())
        throw Error(ErrorKind::Unsupported, what + "contents are not writable from the host");
    const std::string type = map["type"].get<std::string>();
    const std::string k = hex_bytes(key.data(), key.size()), v = hex_bytes(value.data(), value.size());
    auto& entries = map["entries"];
    for (auto& e : entries) {
        if (e["key"].get<std::string>() != k) continue;
        if (flags == "noexist") throw Error(ErrorKind::Rejected, what + "EEXIST: key " + k + " is present (--flags noexist)");
        e["value"] = v;
        return;
    }
    if (is_array(type)) {
        uint32_t index = 0;
        for (size_t i = 0; i < 4 && i < key.size(); ++i) index |= static_cast<uint32_t>(key[i]) << (8 * i);
        throw Error(ErrorKind::Rejected, what + "E2BIG: index " + std::to_string(index) + " is beyond max_entries " +
                                             std::to_string(map["max_entries"].get<size_t>()));
    }
    if (flags == "exist") throw Error(ErrorKind::NotFound, what + "ENOENT: no key " + k + " (--flags exist)");
    if (entries.size() >= map["max_entries"].get<size_t>())
        throw Error(ErrorKind::Rejected, what + "E2BIG: the map is full (" + std::to_string(entries.size()) + " entries)");
    entries.push_back({{"key", k}, {"value", v}});
}

}  // namespace bpfnic
