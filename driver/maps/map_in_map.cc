// SPDX-License-Identifier: MIT
// ARRAY_OF_MAPS and HASH_OF_MAPS. Host side, values are u32 map indices into the MapSet (the
// kernel takes map fds and reports map ids); program side, a lookup returns the inner Map* itself
// (the kernel returns the inner struct bpf_map*). An inner map must match the inner map template
// (type, key_size, value_size, map_flags, and max_entries unless the template has
// BPF_F_INNER_MAP), else -EINVAL; an index naming no map gives -EBADF, as a bad fd does.
#include <cerrno>
#include <cstring>
#include <vector>

#include "driver/maps/fd_slots.h"
#include "driver/maps/hash_table.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

struct InnerRef {
    Map* map;
    uint32_t index;
    bool operator==(const InnerRef&) const = default;
};

/// Shared resolution of u32 map indices to compatible inner maps.
class InnerResolver {
public:
    void bind(std::vector<Map*> all, const Map* tmpl) {
        all_ = std::move(all);
        tmpl_ = tmpl;
    }
    /// 0 and *out filled, or -EBADF / -EINVAL.
    int resolve(const void* value, InnerRef* out) const {
        uint32_t i;
        std::memcpy(&i, value, 4);
        if (i >= all_.size()) return -EBADF;
        Map* m = all_[i];
        if (tmpl_) {
            const MapDef& a = m->def();
            const MapDef& t = tmpl_->def();
            if (a.type != t.type || a.key_size != t.key_size || a.value_size != t.value_size ||
                a.map_flags != t.map_flags ||
                (!(t.map_flags & map_flag::kInnerMap) && a.max_entries != t.max_entries))
                return -EINVAL;
        }
        if (dynamic_cast<MapInMap*>(m) || m->def().type == map_type::kProgArray) return -EINVAL;
        *out = {m, i};
        return 0;
    }

private:
    std::vector<Map*> all_;
    const Map* tmpl_ = nullptr;
};

uint32_t index_of(const void* key) {
    uint32_t i;
    std::memcpy(&i, key, 4);
    return i;
}

class ArrayOfMaps final : public MapInMap {
public:
    explicit ArrayOfMaps(const MapDef& def) : MapInMap(def), slots_(def.max_entries, InnerRef{nullptr, 0}) {
        check_key_size(def, 4);
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (an inner map index)");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly);
    }
    void bind(std::vector<Map*> all, const Map* tmpl) override { resolver_.bind(std::move(all), tmpl); }

    void* lookup(const void* key) override {
        const InnerRef* r = slots_.at(index_of(key));
        return r ? r->map : nullptr;
    }
    int lookup_copy(const void* key, void* value) override {
        const InnerRef* r = slots_.filled(index_of(key));
        if (!r) return -ENOENT;
        std::memcpy(value, &r->index, 4);
        return 0;
    }
    int update(const void* key, const void* value, uint64_t flags) override {
        if (int err = slots_.check_update(key, flags)) return err;
        InnerRef r;
        if (int err = resolver_.resolve(value, &r)) return err;
        slots_.put(key, r);
        return 0;
    }
    int erase(const void* key) override { return slots_.erase(key); }
    int next_key(const void* key, void* next) override { return slots_.next_key(key, next); }
    bool owns(uint64_t, uint64_t) const override { return false; }

private:
    InnerResolver resolver_;
    FdSlots<InnerRef> slots_;
};

class HashOfMaps final : public MapInMap {
public:
    explicit HashOfMaps(const MapDef& def)
        : MapInMap(def), table_(def.key_size, sizeof(InnerRef), def.max_entries) {
        if (def.key_size == 0 || def.key_size > 512) map_def_error(def, "key_size must be 1..512");
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (an inner map index)");
        check_map_def(def, map_flag::kNoPrealloc | map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly |
                               map_flag::kZeroSeed);
    }
    void bind(std::vector<Map*> all, const Map* tmpl) override { resolver_.bind(std::move(all), tmpl); }

    void* lookup(const void* key) override {
        const uint8_t* v = table_.find(key);
        return v ? ref(v).map : nullptr;
    }
    int lookup_copy(const void* key, void* value) override {
        const uint8_t* v = table_.find(key);
        if (!v) return -ENOENT;
        const uint32_t index = ref(v).index;
        std::memcpy(value, &index, 4);
        return 0;
    }
    int update(const void* key, const void* value, uint64_t flags) override {
        if (flags > update_flag::kExist) return -EINVAL;
        uint8_t* v = table_.find(key);
        if (v && flags == update_flag::kNoExist) return -EEXIST;
        if (!v && flags == update_flag::kExist) return -ENOENT;
        InnerRef r;
        if (int err = resolver_.resolve(value, &r)) return err;
        if (!v) {
            if (table_.full()) return -E2BIG;
            v = table_.insert(key);
        }
        std::memcpy(v, &r, sizeof r);
        return 0;
    }
    int erase(const void* key) override { return table_.erase(key) ? 0 : -ENOENT; }
    int next_key(const void* key, void* next) override { return table_.next_key(key, next); }
    bool owns(uint64_t, uint64_t) const override { return false; }

private:
    static InnerRef ref(const uint8_t* v) {
        InnerRef r;
        std::memcpy(&r, v, sizeof r);
        return r;
    }
    InnerResolver resolver_;
    HashTable table_;
};

}  // namespace

std::unique_ptr<Map> make_map_in_map(const MapDef& def) {
    if (def.type == map_type::kArrayOfMaps) return std::make_unique<ArrayOfMaps>(def);
    return std::make_unique<HashOfMaps>(def);
}

}  // namespace bpfnic
