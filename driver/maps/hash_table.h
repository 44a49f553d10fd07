// SPDX-License-Identifier: MIT
// The element store shared by the hash-keyed maps (HASH and LRU families, DEVMAP_HASH,
// HASH_OF_MAPS): key bytes -> a stable value slot, iteration in insertion order for
// get_next_key, and an optional recency list for LRU eviction.
//
// Layout, chosen because every engine's map helpers land here on the per-packet path: values in
// never-moving SlotPool slots; each slot's key bytes in one flat array; an open-addressing index
// (linear probing, load at most 1/2, backward-shift deletion, so no tombstones) of {slot, hash
// tag} pairs; the insertion-order and recency lists as index links per slot. A lookup is one hash
// of the key, usually one probe and one key compare, and no allocation.
#pragma once

#include <cstdint>
#include <vector>

#include "driver/maps/slot_pool.h"

namespace bpfnic {

class HashTable {
public:
    HashTable(uint32_t key_size, uint32_t value_size, uint32_t max_entries);

    /// The value of key, or nullptr.
    uint8_t* find(const void* key) const;
    /// find() that also marks the key most recently used (one probe instead of two).
    uint8_t* find_touch(const void* key);
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

    size_t size() const { return live_; }
    bool full() const { return live_ >= max_entries_; }
    bool owns(uint64_t p, uint64_t n) const { return pool_.owns(p, n); }

private:
    static constexpr uint32_t kNone = UINT32_MAX;
    struct Bucket {
        uint32_t slot = kNone;  // kNone: empty
        uint32_t tag = 0;       // low 32 bits of the key's hash
    };
    struct Links {
        uint32_t prev = kNone, next = kNone;
    };
    struct List {
        uint32_t head = kNone, tail = kNone;
    };

    uint64_t hash(const void* key) const;
    /// The bucket holding key, or kNone.
    uint32_t find_bucket(const void* key, uint64_t h) const;
    const uint8_t* key_at(uint32_t slot) const { return keys_.data() + size_t{slot} * key_size_; }
    void remove_bucket(uint32_t b);
    void grow();
    void erase_slot(uint32_t b);

    static void push_back(List& l, std::vector<Links>& links, uint32_t s);
    static void push_front(List& l, std::vector<Links>& links, uint32_t s);
    static void unlink(List& l, std::vector<Links>& links, uint32_t s);

    uint32_t key_size_, max_entries_;
    SlotPool pool_;
    std::vector<uint8_t> keys_;       // key bytes per slot
    std::vector<Bucket> buckets_;     // power-of-two size
    uint32_t mask_ = 0;
    std::vector<Links> order_links_;  // insertion order, per slot
    std::vector<Links> recency_links_;
    List order_, recency_;            // recency: head is the most recently used
    uint32_t live_ = 0;
};

}  // namespace bpfnic
