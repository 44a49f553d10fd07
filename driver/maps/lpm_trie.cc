// SPDX-License-Identifier: MIT
// LPM_TRIE (kernel/bpf/lpm_trie.c semantics): keys are struct { u32 prefixlen; u8 data[]; },
// lookups return the longest stored prefix that matches the key's first prefixlen bits, and
// get_next_key walks the trie in post-order (longer prefixes before the prefix containing them,
// the 0 branch before the 1 branch), restarting at the first entry for an absent key.
//
// Entries are indexed by (prefixlen, masked data) in a hash table; a lookup probes each prefix
// length in use from the longest allowed down, so its cost is bounded by the number of distinct
// prefix lengths. Update and flags follow current kernels: BPF_NOEXIST/BPF_EXIST give
// -EEXIST/-ENOENT, and -ENOSPC is returned only when a new prefix would exceed max_entries.
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "driver/maps/map_kinds.h"
#include "driver/maps/slot_pool.h"

namespace bpfnic {

namespace {

constexpr uint32_t kMaxDataSize = 256;  // LPM_DATA_SIZE_MAX

class LpmTrieMap final : public Map {
public:
    explicit LpmTrieMap(const MapDef& def)
        : Map(def), data_size_(def.key_size >= 4 ? def.key_size - 4 : 0), max_prefixlen_(data_size_ * 8),
          pool_(def.value_size, def.max_entries), by_len_(max_prefixlen_ + 1, 0) {
        namespace f = map_flag;
        check_map_def(def, f::kNoPrealloc | f::kNumaNode | f::kAccessMask);
        if (!(def.map_flags & f::kNoPrealloc)) map_def_error(def, "LPM tries require BPF_F_NO_PREALLOC");
        if (def.key_size < 5 || def.key_size > 4 + kMaxDataSize)
            map_def_error(def, "key_size must be 4 (prefixlen) + 1..256 bytes of data (got " +
                                   std::to_string(def.key_size) + ")");
    }

    void* lookup(const void* key) override {
        const Entry* e = longest_match(key);
        return e ? pool_.at(e->slot) : nullptr;
    }

    int update(const void* key, const void* value, uint64_t flags) override {
        if (def().read_only) return -EPERM;
        if (flags > update_flag::kExist) return -EINVAL;
        const uint32_t plen = prefixlen(key);
        if (plen > max_prefixlen_) return -EINVAL;
        const std::string id = ident(key, plen);
        auto it = entries_.find(id);
        if (it != entries_.end() && flags == update_flag::kNoExist) return -EEXIST;
        if (it == entries_.end() && flags == update_flag::kExist) return -ENOENT;
        if (it == entries_.end()) {
            if (entries_.size() >= def().max_entries) return -ENOSPC;
            const uint32_t slot = pool_.alloc();
            it = entries_.emplace(id, Entry{plen, {}, slot}).first;
            ++by_len_[plen];
        } else {
            order_.erase(&it->second);
        }
        it->second.data.assign(static_cast<const uint8_t*>(key) + 4, static_cast<const uint8_t*>(key) + 4 + data_size_);
        order_.insert(&it->second);
        std::memmove(pool_.at(it->second.slot), value, def().value_size);
        return 0;
    }

    int erase(const void* key) override {
        if (def().read_only) return -EPERM;
        const uint32_t plen = prefixlen(key);
        if (plen > max_prefixlen_) return -EINVAL;
        auto it = entries_.find(ident(key, plen));
        if (it == entries_.end()) return -ENOENT;
        order_.erase(&it->second);
        pool_.free(it->second.slot);
        --by_len_[plen];
        entries_.erase(it);
        return 0;
    }

    int next_key(const void* key, void* next) override {
        auto n = order_.begin();
        if (key) {
            const uint32_t plen = prefixlen(key);
            if (plen <= max_prefixlen_) {
                auto it = entries_.find(ident(key, plen));
                if (it != entries_.end()) n = std::next(order_.find(&it->second));
            }
        }
        if (n == order_.end()) return -ENOENT;
        auto* out = static_cast<uint8_t*>(next);
        std::memcpy(out, &(*n)->prefixlen, 4);
        std::memcpy(out + 4, (*n)->data.data(), data_size_);
        return 0;
    }

    bool owns(uint64_t p, uint64_t n) const override { return pool_.owns(p, n); }

private:
    struct Entry {
        uint32_t prefixlen;
        std::vector<uint8_t> data;  // the key bytes of the last update, as the kernel keeps them
        uint32_t slot;
    };
    static bool bit(const std::vector<uint8_t>& d, uint32_t i) { return (d[i / 8] >> (7 - i % 8)) & 1; }
    /// Post-order of the trie: at the first differing bit the 0 side first; a prefix of the other
    /// comes after it.
    struct PostOrder {
        bool operator()(const Entry* a, const Entry* b) const {
            const uint32_t m = std::min(a->prefixlen, b->prefixlen);
            for (uint32_t i = 0; i < m; ++i) {
                const bool x = bit(a->data, i), y = bit(b->data, i);
                if (x != y) return !x;
            }
            return a->prefixlen > b->prefixlen;
        }
    };

    static uint32_t prefixlen(const void* key) {
        uint32_t p;
        std::memcpy(&p, key, 4);
        return p;
    }
    /// The identity of a prefix: prefixlen then the data with bits past prefixlen cleared.
    std::string ident(const void* key, uint32_t plen) const {
        std::string s(4 + data_size_, '\0');
        std::memcpy(s.data(), &plen, 4);
        std::memcpy(s.data() + 4, static_cast<const uint8_t*>(key) + 4, data_size_);
        mask(s, plen);
        return s;
    }
    void mask(std::string& s, uint32_t plen) const {
        std::memcpy(s.data(), &plen, 4);
        for (uint32_t i = 0; i < data_size_; ++i) {
            const uint32_t lo = i * 8;
            uint8_t m = plen >= lo + 8 ? 0xff : plen <= lo ? 0 : static_cast<uint8_t>(0xff << (8 - (plen - lo)));
            s[4 + i] = static_cast<char>(static_cast<uint8_t>(s[4 + i]) & m);
        }
    }

    const Entry* longest_match(const void* key) const {
        if (entries_.empty()) return nullptr;
        const uint32_t limit = std::min(prefixlen(key), max_prefixlen_);
        std::string probe = ident(key, limit);
        for (int64_t len = limit; len >= 0; --len) {
            if (!by_len_[len]) continue;
            mask(probe, static_cast<uint32_t>(len));
            auto it = entries_.find(probe);
            if (it != entries_.end()) return &it->second;
        }
        return nullptr;
    }

    uint32_t data_size_, max_prefixlen_;
    SlotPool pool_;
    std::vector<uint32_t> by_len_;  // entries per prefix length
    std::unordered_map<std::string, Entry> entries_;
    std::set<Entry*, PostOrder> order_;
};

}  // namespace

std::unique_ptr<Map> make_lpm_trie_map(const MapDef& def) { return std::make_unique<LpmTrieMap>(def); }

}  // namespace bpfnic
