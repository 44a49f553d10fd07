// SPDX-License-Identifier: MIT
// The redirect target maps (kernel/bpf/devmap.c, cpumap.c, net/xdp/xskmap.c semantics):
//   DEVMAP       slot -> struct bpf_devmap_val { u32 ifindex; u32 prog } (value_size 4 or 8);
//                ifindex 0 clears the slot; BPF_NOEXIST always gives -EEXIST (an array).
//   DEVMAP_HASH  the same values keyed by u32 in a hash; ifindex 0 is -EINVAL (no such device);
//                BPF_EXIST is not checked, as in the kernel.
//   CPUMAP       slot -> struct bpf_cpumap_val { u32 qsize; u32 prog }; qsize 0 clears, above
//                16384 is -EOVERFLOW. Any slot below max_entries is a valid CPU here (the
//                kernel also requires a possible CPU; the model's NIC queues are not CPUs).
//   XSKMAP       slot -> u32 socket id (the kernel takes an AF_XDP socket fd).
// Any non-zero ifindex is a device and any socket id a socket (the model has no device table).
// Programs attached to entries (the prog fd field > 0) are not modelled: -EINVAL, the kernel's
// answer for an fd that is not a suitable program.
#include <cerrno>
#include <cstring>
#include <vector>

#include "driver/maps/hash_table.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

constexpr uint64_t kBroadcast = 1u << 3, kExcludeIngress = 1u << 4;
constexpr uint32_t kMaxCpumapQsize = 16384;

uint32_t u32_at(const void* p, size_t off = 0) {
    uint32_t v;
    std::memcpy(&v, static_cast<const uint8_t*>(p) + off, 4);
    return v;
}

/// Slot storage of the array-indexed redirect maps: stable values plus presence.
class SlotArrayRedirect : public RedirectMap {
public:
    explicit SlotArrayRedirect(const MapDef& def) : RedirectMap(def) {
        check_key_size(def, 4);
        if (uint64_t{def.max_entries} * def.value_size > (uint64_t{1} << 30))
            map_def_error(def, "values exceed the 1 GiB limit");
        values_.assign(uint64_t{def.max_entries} * def.value_size, 0);
        present_.assign(def.max_entries, false);
    }

    void* lookup(const void* key) override {
        const uint32_t i = u32_at(key);
        return i < present_.size() && present_[i] ? value(i) : nullptr;
    }
    int erase(const void* key) override {
        const uint32_t i = u32_at(key);
        if (i >= present_.size()) return -EINVAL;
        clear(i);
        return 0;
    }
    int next_key(const void* key, void* next) override {
        uint32_t n = 0;
        if (key) {
            const uint32_t i = u32_at(key);
            if (i < present_.size()) {
                if (i + 1 == present_.size()) return -ENOENT;
                n = i + 1;
            }
        }
        std::memcpy(next, &n, 4);
        return 0;
    }
    bool owns(uint64_t p, uint64_t n) const override {
        const uint64_t b = reinterpret_cast<uint64_t>(values_.data());
        if (p < b || p >= b + values_.size()) return false;
        const uint64_t i = (p - b) / def().value_size, in = (p - b) % def().value_size;
        return present_[i] && n <= def().value_size - in;
    }

protected:
    uint8_t* value(uint32_t i) { return values_.data() + uint64_t{i} * def().value_size; }
    const uint8_t* value(uint32_t i) const { return values_.data() + uint64_t{i} * def().value_size; }
    bool present(uint32_t i) const { return i < present_.size() && present_[i]; }
    void set(uint32_t i, const void* v) {
        std::memcpy(value(i), v, def().value_size);
        present_[i] = true;
    }
    void clear(uint32_t i) {
        std::memset(value(i), 0, def().value_size);
        present_[i] = false;
    }

private:
    std::vector<uint8_t> values_;
    std::vector<bool> present_;
};

void check_dev_value_size(const MapDef& def, const char* what) {
    if (def.value_size != 4 && def.value_size != 8)
        map_def_error(def, std::string("value_size must be 4 or 8 (") + what + ")");
}

/// The prog fd field of an 8-byte value, as the kernel's int.
int32_t prog_fd(const MapDef& def, const void* value) {
    return def.value_size == 8 ? static_cast<int32_t>(u32_at(value, 4)) : 0;
}

class Devmap final : public SlotArrayRedirect {
public:
    explicit Devmap(const MapDef& def) : SlotArrayRedirect(def) {
        check_dev_value_size(def, "struct bpf_devmap_val");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly);
    }
    int update(const void* key, const void* v, uint64_t flags) override {
        if (flags > update_flag::kExist) return -EINVAL;
        const uint32_t i = u32_at(key);
        if (i >= def().max_entries) return -E2BIG;
        if (flags == update_flag::kNoExist) return -EEXIST;
        if (prog_fd(def(), v) > 0) return -EINVAL;
        if (u32_at(v) == 0) {
            clear(i);
            return 0;
        }
        uint8_t stored[8] = {};
        std::memcpy(stored, v, 4);  // the program id reads back as 0: none attached
        set(i, stored);
        return 0;
    }
    bool resolve(uint32_t key, uint32_t* target) const override {
        if (!present(key)) return false;
        *target = u32_at(value(key));
        return true;
    }
    uint64_t extra_redirect_flags() const override { return kBroadcast | kExcludeIngress; }
};

class Cpumap final : public SlotArrayRedirect {
public:
    explicit Cpumap(const MapDef& def) : SlotArrayRedirect(def) {
        check_dev_value_size(def, "struct bpf_cpumap_val");
        check_map_def(def, map_flag::kNumaNode);
    }
    int update(const void* key, const void* v, uint64_t flags) override {
        if (flags > update_flag::kExist) return -EINVAL;
        const uint32_t i = u32_at(key);
        if (i >= def().max_entries) return -E2BIG;
        if (flags == update_flag::kNoExist) return -EEXIST;
        const uint32_t qsize = u32_at(v);
        if (qsize > kMaxCpumapQsize) return -EOVERFLOW;
        if (qsize == 0) {
            clear(i);
            return 0;
        }
        if (prog_fd(def(), v) > 0) return -EINVAL;
        uint8_t stored[8] = {};
        std::memcpy(stored, v, 4);
        set(i, stored);
        return 0;
    }
    bool resolve(uint32_t key, uint32_t* target) const override {
        if (!present(key)) return false;
        *target = key;
        return true;
    }
    uint64_t extra_redirect_flags() const override { return 0; }
};

class Xskmap final : public SlotArrayRedirect {
public:
    explicit Xskmap(const MapDef& def) : SlotArrayRedirect(def) {
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (a socket)");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly);
    }
    int lookup_copy(const void*, void*) override { return -EOPNOTSUPP; }
    int update(const void* key, const void* v, uint64_t flags) override {
        if (flags > update_flag::kExist) return -EINVAL;
        const uint32_t i = u32_at(key);
        if (i >= def().max_entries) return -E2BIG;
        if (present(i) && flags == update_flag::kNoExist) return -EEXIST;
        if (!present(i) && flags == update_flag::kExist) return -ENOENT;
        set(i, v);
        return 0;
    }
    bool resolve(uint32_t key, uint32_t* target) const override {
        if (!present(key)) return false;
        *target = u32_at(value(key));
        return true;
    }
    uint64_t extra_redirect_flags() const override { return 0; }
};

class DevmapHash final : public RedirectMap {
public:
    explicit DevmapHash(const MapDef& def) : RedirectMap(def), table_(4, def.value_size, def.max_entries) {
        check_key_size(def, 4);
        check_dev_value_size(def, "struct bpf_devmap_val");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly);
    }
    void* lookup(const void* key) override { return table_.find(key); }
    int update(const void* key, const void* v, uint64_t flags) override {
        if (flags > update_flag::kExist) return -EINVAL;
        uint8_t* old = table_.find(key);
        if (old && flags == update_flag::kNoExist) return -EEXIST;
        if (u32_at(v) == 0 || prog_fd(def(), v) > 0) return -EINVAL;
        if (!old) {
            if (table_.full()) return -E2BIG;
            old = table_.insert(key);
        }
        std::memset(old, 0, def().value_size);
        std::memcpy(old, v, 4);
        return 0;
    }
    int erase(const void* key) override { return table_.erase(key) ? 0 : -ENOENT; }
    int next_key(const void* key, void* next) override { return table_.next_key(key, next); }
    bool owns(uint64_t p, uint64_t n) const override { return table_.owns(p, n); }
    bool resolve(uint32_t key, uint32_t* target) const override {
        const uint8_t* v = table_.find(&key);
        if (!v) return false;
        *target = u32_at(v);
        return true;
    }
    uint64_t extra_redirect_flags() const override { return kBroadcast | kExcludeIngress; }

private:
    HashTable table_;
};

}  // namespace

std::unique_ptr<Map> make_redirect_map(const MapDef& def) {
    switch (def.type) {
    case map_type::kDevmap: return std::make_unique<Devmap>(def);
    case map_type::kDevmapHash: return std::make_unique<DevmapHash>(def);
    case map_type::kCpumap: return std::make_unique<Cpumap>(def);
    default: return std::make_unique<Xskmap>(def);
    }
}

}  // namespace bpfnic
