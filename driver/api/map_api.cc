// SPDX-License-Identifier: MIT
// Host map access: the same kernel semantics and errno codes for maps on the card (through the
// firmware's mailbox) and in software. In cross-check mode updates and deletes reach every
// target, so all of them keep seeing the same maps.
#include <cerrno>
#include <cstring>

#include "driver/api/fallback.h"
#include "driver/api/internal.h"
#ifdef BPFNIC_HAVE_CARD
#include "driver/api/card_target.h"
#endif

using namespace bpfnic;
using namespace bpfnic::api;

namespace {
int check_key(const bpfnic_map* map, const void* key, size_t key_sz, const char* what) {
    if (!map) return fail(-EINVAL, std::string(what) + ": map is null");
    if (key_sz != map->def.key_size)
        return fail(-EINVAL, std::string(what) + ": map '" + map->def.name + "' has " + std::to_string(map->def.key_size) +
                                 "-byte keys, got " + std::to_string(key_sz));
    if (!key && key_sz) return fail(-EINVAL, std::string(what) + ": key is null");
    return 0;
}

/// Runs `fn` (map work on the program's targets); when it finds the card lost, moves the program
/// to software (driver/api/fallback.h) and runs it again there.
template <typename Fn>
auto card_lost_retry(bpfnic_map* map, Fn&& fn) -> decltype(fn()) {
#ifdef BPFNIC_HAVE_CARD
    try {
        return fn();
    } catch (const CardLost& e) {
        auto in_flight = fall_back_to_software(*map->prog, e.what());
        map->prog->pending.insert(map->prog->pending.end(), in_flight.begin(), in_flight.end());
    }
#else
    (void)map;
#endif
    return fn();
}

template <typename Fn>
int on_every_target(bpfnic_map* map, Fn&& fn, const char* what) {
    try {
        const int rc = card_lost_retry(map, [&] {
            int first_rc = 0;
            bool first = true;
            for (Target* t : map->prog->targets()) {
                const int r = fn(*t);
                if (first) first_rc = r;
                first = false;
            }
            return first_rc;
        });
        if (rc) fail(rc, std::string(what) + ": map '" + map->def.name + "': " + std::strerror(-rc));
        return rc;
    } catch (const Error& e) {
        return fail(errno_of(e), std::string(what) + ": map '" + map->def.name + "': " + e.what());
    }
}
}  // namespace

bpfnic_map* bpfnic_prog__map(bpfnic_prog* prog, const char* name) {
    clear_error();
    if (!prog || !name) return fail(-EINVAL, "prog map: null argument"), nullptr;
    for (auto& m : prog->maps)
        if (m->def.name == name) return m.get();
    fail(-ENOENT, prog->name + ": no map named '" + name + "'");
    return nullptr;
}

std::vector<std::string> bpfnic_prog__map_names(const bpfnic_prog* prog) {
    std::vector<std::string> out;
    if (prog)
        for (const auto& m : prog->maps) out.push_back(m->def.name);
    return out;
}

const MapDef* bpfnic_map__def(const bpfnic_map* map) { return map ? &map->def : nullptr; }

uint32_t bpfnic_map__value_size(const bpfnic_map* map) {
    return map ? map->prog->primary->map_value_size(map->index) : 0;
}

int bpfnic_map__lookup_elem(bpfnic_map* map, const void* key, size_t key_sz, void* value, size_t value_sz) {
    clear_error();
    if (const int rc = check_key(map, key, key_sz, "map lookup")) return rc;
    const uint32_t vs = bpfnic_map__value_size(map);
    if (!value || value_sz < vs)
        return fail(-EINVAL, "map lookup: map '" + map->def.name + "' needs a " + std::to_string(vs) + "-byte value buffer");
    try {
        const int rc = card_lost_retry(map, [&] { return map->prog->primary->map_lookup(map->index, key, value); });
        if (rc) fail(rc, "map lookup: map '" + map->def.name + "': " + std::strerror(-rc));
        return rc;
    } catch (const Error& e) {
        return fail(errno_of(e), "map lookup: map '" + map->def.name + "': " + e.what());
    }
}

int bpfnic_map__update_elem(bpfnic_map* map, const void* key, size_t key_sz, const void* value, size_t value_sz,
                            uint64_t flags) {
    clear_error();
    if (const int rc = check_key(map, key, key_sz, "map update")) return rc;
    const uint32_t vs = bpfnic_map__value_size(map);
    if (!value || value_sz != vs)
        return fail(-EINVAL, "map update: map '" + map->def.name + "' has " + std::to_string(vs) + "-byte values, got " +
                                 std::to_string(value_sz));
    return on_every_target(map, [&](Target& t) { return t.map_update(map->index, key, value, flags); }, "map update");
}

int bpfnic_map__delete_elem(bpfnic_map* map, const void* key, size_t key_sz) {
    clear_error();
    if (const int rc = check_key(map, key, key_sz, "map delete")) return rc;
    return on_every_target(map, [&](Target& t) { return t.map_delete(map->index, key); }, "map delete");
}

int bpfnic_map__get_next_key(bpfnic_map* map, const void* key, void* next_key, size_t key_sz) {
    clear_error();
    if (!map) return fail(-EINVAL, "map next key: map is null");
    if (key_sz != map->def.key_size)
        return fail(-EINVAL, "map next key: map '" + map->def.name + "' has " + std::to_string(map->def.key_size) +
                                 "-byte keys, got " + std::to_string(key_sz));
    if (!next_key) return fail(-EINVAL, "map next key: next_key is null");
    try {
        const int rc = card_lost_retry(map, [&] { return map->prog->primary->map_next_key(map->index, key, next_key); });
        if (rc && rc != -ENOENT) fail(rc, "map next key: map '" + map->def.name + "': " + std::strerror(-rc));
        return rc;
    } catch (const Error& e) {
        return fail(errno_of(e), "map next key: map '" + map->def.name + "': " + e.what());
    }
}
