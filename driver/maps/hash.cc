// SPDX-License-Identifier: MIT
// HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH (kernel/bpf/hashtab.c semantics and errno codes).
//
// Storage: values live in never-moving slots (SlotPool); a deleted element's slot goes on a free
// list and is reused by a later insert, as the kernel's preallocated elements are, so a pointer a
// program still holds stays valid memory. An update of an existing key writes the value in place.
// LRU: strict least-recently-used order; program-side lookups and every successful update mark an
// element used, host-side copy-out lookups do not (the kernel's syscall lookup does not set the
// reference bit either). When an LRU map is full, inserting a new key evicts the least recently
// used one (the kernel's LRU is approximate; this is its exact-order limit).
#include <cerrno>
#include <cstring>
#include <vector>

#include "driver/maps/hash_table.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

constexpr uint32_t kMaxKeySize = 512;  // MAX_BPF_STACK

class HashMap final : public Map {
public:
    explicit HashMap(const MapDef& def)
        : Map(def),
          lru_(def.type == map_type::kLruHash || def.type == map_type::kLruPercpuHash),
          percpu_(def.type == map_type::kPercpuHash || def.type == map_type::kLruPercpuHash),
          table_(def.key_size, def.value_size, def.max_entries) {
        namespace f = map_flag;
        uint32_t allowed = f::kNoPrealloc | f::kNumaNode | f::kAccessMask | f::kZeroSeed | f::kInnerMap;
        if (lru_) allowed |= f::kNoCommonLru;
        check_map_def(def, allowed);
        if (def.key_size == 0) map_def_error(def, "key_size must be > 0");
        if (def.key_size > kMaxKeySize) map_def_error(def, "key_size must be at most 512");
        if (lru_ && (def.map_flags & f::kNoPrealloc)) map_def_error(def, "LRU maps cannot use BPF_F_NO_PREALLOC");
    }

    void* lookup(const void* key) override {
        return lru_ ? table_.find_touch(key) : table_.find(key);
    }

    int lookup_copy(const void* key, void* value) override {
        const uint8_t* v = table_.find(key);
        if (!v) return -ENOENT;
        std::memcpy(value, v, def().value_size);
        const uint32_t host = host_value_size();
        std::memset(static_cast<uint8_t*>(value) + def().value_size, 0, host - def().value_size);
        return 0;
    }

    int update(const void* key, const void* value, uint64_t flags) override {
        if (def().read_only) return -EPERM;
        const uint64_t f = flags & ~update_flag::kLock;
        if (f > update_flag::kExist) return -EINVAL;
        uint8_t* v = table_.find(key);
        if (v && f == update_flag::kNoExist) return -EEXIST;
        if (!v && f == update_flag::kExist) return -ENOENT;
        if (!v) {
            if (table_.full()) {
                if (!lru_) return -E2BIG;
                // The new value may live in the element about to be evicted: copy it first.
                std::vector<uint8_t> saved(static_cast<const uint8_t*>(value),
                                           static_cast<const uint8_t*>(value) + def().value_size);
                table_.evict_lru();
                v = table_.insert(key);
                std::memcpy(v, saved.data(), saved.size());
                table_.touch(key);
                return 0;
            }
            v = table_.insert(key);
        }
        std::memmove(v, value, def().value_size);
        if (lru_) table_.touch(key);
        return 0;
    }

    int erase(const void* key) override {
        if (def().read_only) return -EPERM;
        return table_.erase(key) ? 0 : -ENOENT;
    }

    int next_key(const void* key, void* next) override { return table_.next_key(key, next); }

    uint32_t host_value_size() const override {
        return percpu_ ? round_up8(def().value_size) * kPossibleCpus : def().value_size;
    }

    bool owns(uint64_t p, uint64_t n) const override { return table_.owns(p, n); }

private:
    bool lru_, percpu_;
    HashTable table_;
};

}  // namespace

std::unique_ptr<Map> make_hash_map(const MapDef& def) { return std::make_unique<HashMap>(def); }

}  // namespace bpfnic
