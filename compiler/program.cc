// SPDX-License-Identifier: MIT
#include "compiler/program.h"

namespace bpfnic {

const char* prog_type_name(ProgType t) {
    switch (t) {
        case ProgType::Xdp: return "xdp";
        case ProgType::SchedCls: return "sched_cls";
        case ProgType::SocketFilter: return "socket_filter";
        case ProgType::Unspec: return "unspec";
    }
    return "?";
}

ProgType prog_type_from_section(const std::string& s) {
    auto starts = [&](const char* p) {
        const std::string pre(p);
        return s == pre || s.rfind(pre + "/", 0) == 0 || s.rfind(pre + ".", 0) == 0;
    };
    if (starts("xdp") || starts("xdp_devmap") || starts("xdp_cpumap")) return ProgType::Xdp;
    if (starts("tc") || starts("classifier") || starts("tcx")) return ProgType::SchedCls;
    if (starts("socket")) return ProgType::SocketFilter;
    return ProgType::Unspec;
}

const Program* Object::find_program(const std::string& name) const {
    for (const Program& p : programs)
        if (p.name == name) return &p;
    for (const Program& p : programs)
        if (p.section == name) return &p;
    return nullptr;
}

int Object::find_map(const std::string& name) const {
    for (size_t i = 0; i < maps.size(); ++i)
        if (maps[i].name == name) return static_cast<int>(i);
    return -1;
}

const char* map_type_name(uint32_t type) {
    switch (type) {
        case map_type::kHash: return "hash";
        case map_type::kArray: return "array";
        case map_type::kProgArray: return "prog_array";
        case map_type::kPerfEventArray: return "perf_event_array";
        case map_type::kPercpuHash: return "percpu_hash";
        case map_type::kPercpuArray: return "percpu_array";
        case map_type::kLruHash: return "lru_hash";
        case map_type::kLruPercpuHash: return "lru_percpu_hash";
        case map_type::kLpmTrie: return "lpm_trie";
        case map_type::kArrayOfMaps: return "array_of_maps";
        case map_type::kHashOfMaps: return "hash_of_maps";
        case map_type::kDevmap: return "devmap";
        case map_type::kCpumap: return "cpumap";
        case map_type::kXskmap: return "xskmap";
        case map_type::kDevmapHash: return "devmap_hash";
    }
    return "unknown";
}

}  // namespace bpfnic
