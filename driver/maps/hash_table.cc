// SPDX-License-Identifier: MIT
// Hash element store (see hash_table.h).
#include "driver/maps/hash_table.h"

#include <cerrno>
#include <cstring>

namespace bpfnic {

HashTable::HashTable(uint32_t key_size, uint32_t value_size, uint32_t max_entries)
    : key_size_(key_size), max_entries_(max_entries), pool_(value_size, max_entries) {}

uint8_t* HashTable::find(const void* key) const {
    auto it = index_.find(view(key));
    return it == index_.end() ? nullptr : pool_.at(it->second.slot);
}

uint8_t* HashTable::insert(const void* key) {
    if (full()) return nullptr;
    const uint32_t slot = pool_.alloc();
    auto [it, inserted] = index_.emplace(std::string(view(key)), Node{slot, {}, {}});
    (void)inserted;
    it->second.order = order_.insert(order_.end(), &it->first);
    it->second.recency = recency_.insert(recency_.begin(), &it->first);
    return pool_.at(slot);
}

bool HashTable::erase(const void* key) {
    auto it = index_.find(view(key));
    if (it == index_.end()) return false;
    pool_.free(it->second.slot);
    order_.erase(it->second.order);
    recency_.erase(it->second.recency);
    index_.erase(it);
    return true;
}

int HashTable::next_key(const void* key, void* next) const {
    KeyList::const_iterator n = order_.begin();
    if (key) {
        auto it = index_.find(view(key));
        if (it != index_.end()) n = std::next(KeyList::const_iterator(it->second.order));
    }
    if (n == order_.end()) return -ENOENT;
    std::memcpy(next, (*n)->data(), key_size_);
    return 0;
}

void HashTable::touch(const void* key) {
    auto it = index_.find(view(key));
    if (it != index_.end()) recency_.splice(recency_.begin(), recency_, it->second.recency);
}

bool HashTable::evict_lru() {
    if (recency_.empty()) return false;
    return erase(recency_.back()->data());
}

}  // namespace bpfnic
