// SPDX-License-Identifier: MIT
// Hash element store (see hash_table.h).
#include "driver/maps/hash_table.h"

#include <cerrno>
#include <cstring>

namespace bpfnic {

namespace {

inline uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

constexpr uint32_t kInitialBuckets = 16;

}  // namespace

HashTable::HashTable(uint32_t key_size, uint32_t value_size, uint32_t max_entries)
    : key_size_(key_size), max_entries_(max_entries), pool_(value_size, max_entries),
      buckets_(kInitialBuckets), mask_(kInitialBuckets - 1) {}

uint64_t HashTable::hash(const void* key) const {
    const auto* p = static_cast<const uint8_t*>(key);
    uint64_t h = 0x9e3779b97f4a7c15ull ^ key_size_;
    size_t n = key_size_;
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    if (n) {
        uint64_t w = 0;
        std::memcpy(&w, p, n);
        h = (h ^ w) * 0x9e3779b97f4a7c15ull;
    }
    return mix(h);
}

uint32_t HashTable::find_bucket(const void* key, uint64_t h) const {
    const auto tag = static_cast<uint32_t>(h);
    for (uint32_t b = tag & mask_;; b = (b + 1) & mask_) {
        const Bucket& e = buckets_[b];
        if (e.slot == kNone) return kNone;
        if (e.tag == tag && std::memcmp(key_at(e.slot), key, key_size_) == 0) return b;
    }
}

uint8_t* HashTable::find(const void* key) const {
    const uint32_t b = find_bucket(key, hash(key));
    return b == kNone ? nullptr : pool_.at(buckets_[b].slot);
}

uint8_t* HashTable::find_touch(const void* key) {
    const uint32_t b = find_bucket(key, hash(key));
    if (b == kNone) return nullptr;
    const uint32_t s = buckets_[b].slot;
    if (recency_.head != s) {
        unlink(recency_, recency_links_, s);
        push_front(recency_, recency_links_, s);
    }
    return pool_.at(s);
}

void HashTable::grow() {
    std::vector<Bucket> old = std::move(buckets_);
    buckets_.assign(old.size() * 2, Bucket{});
    mask_ = static_cast<uint32_t>(buckets_.size() - 1);
    for (const Bucket& e : old) {
        if (e.slot == kNone) continue;
        uint32_t b = e.tag & mask_;
        while (buckets_[b].slot != kNone) b = (b + 1) & mask_;
        buckets_[b] = e;
    }
}

uint8_t* HashTable::insert(const void* key) {
    if (full()) return nullptr;
    const uint64_t h = hash(key);
    if ((live_ + 1) * 2 > buckets_.size() && buckets_.size() < (size_t{1} << 31)) grow();
    const uint32_t s = pool_.alloc();
    if (s == kNone) return nullptr;
    if (order_links_.size() <= s) {
        keys_.resize((size_t{s} + 1) * key_size_);
        order_links_.resize(size_t{s} + 1);
        recency_links_.resize(size_t{s} + 1);
    }
    std::memcpy(keys_.data() + size_t{s} * key_size_, key, key_size_);
    const auto tag = static_cast<uint32_t>(h);
    uint32_t b = tag & mask_;
    while (buckets_[b].slot != kNone) b = (b + 1) & mask_;
    buckets_[b] = Bucket{s, tag};
    push_back(order_, order_links_, s);
    push_front(recency_, recency_links_, s);
    ++live_;
    return pool_.at(s);
}

void HashTable::remove_bucket(uint32_t b) {
    // Backward-shift deletion: move later members of the probe run into the hole when their home
    // bucket does not lie (cyclically) between the hole and their position.
    uint32_t hole = b;
    for (uint32_t j = (b + 1) & mask_;; j = (j + 1) & mask_) {
        const Bucket& e = buckets_[j];
        if (e.slot == kNone) break;
        const uint32_t home = e.tag & mask_;
        const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays) continue;
        buckets_[hole] = e;
        hole = j;
    }
    buckets_[hole] = Bucket{};
}

void HashTable::erase_slot(uint32_t b) {
    const uint32_t s = buckets_[b].slot;
    remove_bucket(b);
    unlink(order_, order_links_, s);
    unlink(recency_, recency_links_, s);
    pool_.free(s);
    --live_;
}

bool HashTable::erase(const void* key) {
    const uint32_t b = find_bucket(key, hash(key));
    if (b == kNone) return false;
    erase_slot(b);
    return true;
}

int HashTable::next_key(const void* key, void* next) const {
    uint32_t n = order_.head;
    if (key) {
        const uint32_t b = find_bucket(key, hash(key));
        if (b != kNone) n = order_links_[buckets_[b].slot].next;
    }
    if (n == kNone) return -ENOENT;
    std::memcpy(next, key_at(n), key_size_);
    return 0;
}

void HashTable::touch(const void* key) { find_touch(key); }

bool HashTable::evict_lru() {
    if (recency_.tail == kNone) return false;
    const uint32_t s = recency_.tail;
    const uint32_t b = find_bucket(key_at(s), hash(key_at(s)));
    erase_slot(b);
    return true;
}

void HashTable::push_back(List& l, std::vector<Links>& links, uint32_t s) {
    links[s] = Links{l.tail, kNone};
    if (l.tail != kNone) links[l.tail].next = s;
    else l.head = s;
    l.tail = s;
}

void HashTable::push_front(List& l, std::vector<Links>& links, uint32_t s) {
    links[s] = Links{kNone, l.head};
    if (l.head != kNone) links[l.head].prev = s;
    else l.tail = s;
    l.head = s;
}

void HashTable::unlink(List& l, std::vector<Links>& links, uint32_t s) {
    const Links k = links[s];
    if (k.prev != kNone) links[k.prev].next = k.next;
    else l.head = k.next;
    if (k.next != kNone) links[k.next].prev = k.prev;
    else l.tail = k.prev;
}

}  // namespace bpfnic
