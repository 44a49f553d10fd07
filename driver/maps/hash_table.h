// SPDX-License-Identifier: MIT
// The element store shared by the hash-keyed maps (HASH and LRU families, DEVMAP_HASH,
// HASH_OF_MAPS): key bytes -> a stable value slot, iteration in insertion order for
// get_next_key, and an optional recency list for LRU eviction.
#pragma once

#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "driver/maps/slot_pool.h"

namespace bpfnic {

class HashTable {
public:
    HashTable(uint32_t key_size, uint32_t value_size, uint32_t max_entries);

    /// The value of key, or nullptr.
    uint8_t* find(const void* key) const;
    /// Inserts a new key (must be absent) with a zeroed value; nullptr when max_entries are live.
    uint8_t* insert(const void* key);
    /// Removes key; false when absent. Its slot is reused by a later insert.
    bool erase(const void* key);
    /// get_next_key order: insertion order; a null or absent key gives the first key.
    /// Returns 0 or -ENOENT (no next key).
    int next_key(const void* key, void* next) const;

    /// LRU bookkeeping: mark key most recently used / remove the least recently used key.
    void touch(const void* key);
    bool evict_lru();

    size_t size() const { return index_.size(); }
    bool full() const { return index_.size() >= max_entries_; }
    bool owns(uint64_t p, uint64_t n) const { return pool_.owns(p, n); }

private:
    using KeyList = std::list<const std::string*>;
    struct Node {
        uint32_t slot;
        KeyList::iterator order;
        KeyList::iterator recency;
    };
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::string_view view(const void* key) const { return {static_cast<const char*>(key), key_size_}; }

    uint32_t key_size_, max_entries_;
    SlotPool pool_;
    std::unordered_map<std::string, Node, Hash, std::equal_to<>> index_;
    KeyList order_;    // insertion order
    KeyList recency_;  // front: most recently used
};

}  // namespace bpfnic
