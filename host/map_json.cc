// SPDX-License-Identifier: MIT
// Map contents as JSON through the driver's map calls.
#include "host/map_json.h"

#include <cerrno>
#include <vector>

#include "compiler/error.h"
#include "driver/report.h"
#include "driver/test_run.h"

namespace bpfnic {

using nlohmann::json;

void throw_map_error(int rc, const std::string& what) {
    const char* name = "EIO";
    ErrorKind kind = ErrorKind::Runtime;
    switch (-rc) {
        case EINVAL: name = "EINVAL"; kind = ErrorKind::BadInput; break;
        case ENOENT: name = "ENOENT"; kind = ErrorKind::NotFound; break;
        case E2BIG: name = "E2BIG"; kind = ErrorKind::Rejected; break;
        case EEXIST: name = "EEXIST"; kind = ErrorKind::Rejected; break;
        case EPERM: name = "EPERM"; kind = ErrorKind::Rejected; break;
        case ENOMEM: name = "ENOMEM"; kind = ErrorKind::Rejected; break;
        case EOPNOTSUPP: name = "EOPNOTSUPP"; kind = ErrorKind::Unsupported; break;
        default: break;
    }
    throw Error(kind, what + ": " + name + " (" + bpfnic_last_error() + ")");
}

json prog_map_to_json(bpfnic_map* map) {
    const MapDef& d = *bpfnic_map__def(map);
    json j;
    j["type"] = map_type_name(d.type);
    j["key_size"] = d.key_size;
    j["value_size"] = d.value_size;
    j["max_entries"] = d.max_entries;
    std::vector<uint8_t> key(d.key_size), next(d.key_size), value(bpfnic_map__value_size(map));
    json entries = json::array();
    const void* prev = nullptr;
    for (uint64_t n = 0;; ++n) {
        const int rc = bpfnic_map__get_next_key(map, prev, next.data(), next.size());
        if (rc == -ENOENT) break;
        if (rc) throw_map_error(rc, "map '" + d.name + "'");
        // A map never holds more than max_entries keys; stop rather than loop on a broken iterator.
        if (n > d.max_entries) throw Error(ErrorKind::Internal, "map '" + d.name + "': key iteration does not end");
        const int lr = bpfnic_map__lookup_elem(map, next.data(), next.size(), value.data(), value.size());
        if (lr == -EOPNOTSUPP) {
            j["entries"] = nullptr;
            return j;
        }
        if (lr == 0) entries.push_back({{"key", hex_bytes(next.data(), next.size())}, {"value", hex_bytes(value.data(), value.size())}});
        else if (lr != -ENOENT) throw_map_error(lr, "map '" + d.name + "'");
        key = next;
        prev = key.data();
    }
    j["entries"] = entries;
    return j;
}

json prog_maps_to_json(bpfnic_prog* prog) {
    json j = json::object();
    for (const std::string& name : bpfnic_prog__map_names(prog)) j[name] = prog_map_to_json(bpfnic_prog__map(prog, name.c_str()));
    return j;
}

void prog_map_from_json(bpfnic_map* map, const json& j, const std::string& what) {
    const MapDef& d = *bpfnic_map__def(map);
    for_each_json_map_entry(j, what, d.name, d.key_size, bpfnic_map__value_size(map),
                            [&](const std::vector<uint8_t>& key, const std::vector<uint8_t>& value, const std::string& where) {
                                const int rc = bpfnic_map__update_elem(map, key.data(), key.size(), value.data(),
                                                                       value.size(), 0);
                                if (rc)
                                    throw Error(ErrorKind::BadInput, where + ": update of map '" + d.name +
                                                                         "' failed: " + bpfnic_last_error());
                            });
}

}  // namespace bpfnic
