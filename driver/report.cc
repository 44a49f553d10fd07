// SPDX-License-Identifier: MIT
// JSON run reports and map contents.
#include "driver/report.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "compiler/error.h"
#include "driver/test_run.h"

namespace bpfnic {

using nlohmann::json;

void VerdictCounts::add(uint64_t action) {
    switch (action) {
        case kXdpAborted: ++aborted; break;
        case kXdpDrop: ++drop; break;
        case kXdpPass: ++pass; break;
        case kXdpTx: ++tx; break;
        case kXdpRedirect: ++redirect; break;
        default: ++invalid; break;
    }
}

std::string hex_bytes(const uint8_t* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(n * 3);
    for (size_t i = 0; i < n; ++i) {
        if (i) s += ' ';
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

namespace {

template <typename T>
json opt(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

}  // namespace

json to_json(const RunReport& r) {
    json j;
    j["schema"] = kReportSchemaVersion;
    j["object"] = r.object;
    j["program"] = r.program;
    j["section"] = r.section;
    j["engine"] = r.engine;
    j["engines"] = r.engines;
    j["input"] = {{"kind", r.input_kind}, {"source", r.input}};
    j["packets"] = r.packets;
    j["repeat"] = r.repeat;
    j["verdicts"] = {{"aborted", r.verdicts.aborted}, {"drop", r.verdicts.drop},   {"pass", r.verdicts.pass},
                     {"tx", r.verdicts.tx},           {"redirect", r.verdicts.redirect}, {"invalid", r.verdicts.invalid}};
    j["offloaded"] = r.offloaded;
    j["fallback_reason"] = opt(r.fallback_reason);
    j["instructions"] = r.program_instructions;
    j["instructions_executed"] = opt(r.instructions_executed);
    j["instructions_per_packet"] =
        r.packets && r.instructions_executed ? json(double(*r.instructions_executed) / double(r.packets)) : json(nullptr);
    j["bundles"] = opt(r.bundles);
    const bool have_cycles = r.cycles && r.packets;
    const double cpp = have_cycles ? double(*r.cycles) / double(r.packets) : 0.0;
    j["cycles_per_packet"] = have_cycles ? json(cpp) : json(nullptr);
    j["ipc"] = have_cycles && *r.cycles && r.instructions_executed
                   ? json(double(*r.instructions_executed) / double(*r.cycles))
                   : json(nullptr);
    j["stalls"] = r.cycles ? json(r.stalls) : json(nullptr);
    if (have_cycles && cpp > 0) {
        json m = json::object();
        for (double mhz : kReportClocksMhz) {
            char key[32];
            std::snprintf(key, sizeof key, "%g", mhz);
            m[key] = mhz / cpp;
        }
        j["mpps_at_mhz"] = m;
    } else {
        j["mpps_at_mhz"] = nullptr;
    }
    j["ns_per_packet"] = r.ns_per_packet;
    j["mismatches"] = opt(r.mismatches);
    json details = json::array();
    for (const auto& m : r.mismatch_details)
        details.push_back({{"packet", m.packet}, {"engine", m.engine}, {"what", m.what}, {"detail", m.detail}});
    j["mismatch_details"] = details;
    j["skipped_engines"] = r.skipped_engines;
    j["output"] = r.output_path ? json{{"path", *r.output_path}, {"packets", r.output_packets}} : json(nullptr);
    j["trace_lines"] = r.trace_lines;
    j["perf_records"] = r.perf_records;
    j["maps"] = r.maps;
    return j;
}

json map_to_json(Map& map) {
    const MapDef& d = map.def();
    json j;
    j["type"] = map_type_name(d.type);
    j["key_size"] = d.key_size;
    j["value_size"] = d.value_size;
    j["max_entries"] = d.max_entries;
    std::vector<uint8_t> key(d.key_size), next(d.key_size), value(map.host_value_size());
    json entries = json::array();
    const void* prev = nullptr;
    uint64_t guard = 0;
    while (map.next_key(prev, next.data()) == 0) {
        const int rc = map.lookup_copy(next.data(), value.data());
        if (rc == -EOPNOTSUPP) {
            j["entries"] = nullptr;
            return j;
        }
        if (rc == 0) entries.push_back({{"key", hex_bytes(next.data(), next.size())}, {"value", hex_bytes(value.data(), value.size())}});
        key = next;
        prev = key.data();
        // A map never holds more than max_entries keys; stop rather than loop on a broken iterator.
        if (++guard > uint64_t{d.max_entries} + 1) throw Error(ErrorKind::Internal, "map '" + d.name + "': key iteration does not end");
    }
    j["entries"] = entries;
    return j;
}

json maps_to_json(MapSet& maps) {
    json j = json::object();
    for (size_t i = 0; i < maps.size(); ++i) j[maps.at(i).def().name] = map_to_json(maps.at(i));
    return j;
}

void for_each_json_map_entry(const json& j, const std::string& what, const std::string& map_name, size_t key_size,
                             size_t value_size, const MapEntryFn& update) {
    const json* entries = &j;
    if (j.is_object()) {
        if (!j.contains("entries")) throw Error(ErrorKind::BadInput, what + ": no \"entries\" array");
        entries = &j["entries"];
    }
    if (!entries->is_array()) throw Error(ErrorKind::BadInput, what + ": \"entries\" is not an array");
    size_t n = 0;
    for (const auto& e : *entries) {
        const std::string where = what + ": entry " + std::to_string(n++);
        if (!e.is_object() || !e.contains("key") || !e.contains("value") || !e["key"].is_string() || !e["value"].is_string())
            throw Error(ErrorKind::BadInput, where + ": not an object with \"key\" and \"value\" strings");
        const auto key = parse_hex_bytes(e["key"].get<std::string>(), where + " key");
        const auto value = parse_hex_bytes(e["value"].get<std::string>(), where + " value");
        if (key.size() != key_size)
            throw Error(ErrorKind::BadInput, where + ": key has " + std::to_string(key.size()) + " bytes, map '" +
                                                 map_name + "' needs " + std::to_string(key_size));
        if (value.size() != value_size)
            throw Error(ErrorKind::BadInput, where + ": value has " + std::to_string(value.size()) + " bytes, map '" +
                                                 map_name + "' needs " + std::to_string(value_size));
        update(key, value, where);
    }
}

void map_from_json(Map& map, const json& j, const std::string& what) {
    const MapDef& d = map.def();
    for_each_json_map_entry(j, what, d.name, d.key_size, map.host_value_size(),
                            [&](const std::vector<uint8_t>& key, const std::vector<uint8_t>& value, const std::string& where) {
                                const int rc = map.update(key.data(), value.data(), update_flag::kAny);
                                if (rc != 0)
                                    throw Error(ErrorKind::BadInput, where + ": update of map '" + d.name +
                                                                         "' failed: " + std::strerror(-rc));
                            });
}

}  // namespace bpfnic
