// SPDX-License-Identifier: MIT
// ARRAY and PERCPU_ARRAY (kernel/bpf/arraymap.c semantics). Values are contiguous at
// index * value_size (the layout array_base() promises); with one possible CPU a per-CPU array is
// an array whose host copies are padded to round_up(value_size, 8). Global data (.rodata, .data,
// .bss) are one-entry arrays filled from MapDef::initial_data; read-only (frozen) maps refuse
// update and delete with -EPERM from either side, as the kernel refuses writes to a frozen map.
#include <cerrno>
#include <cstring>

#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

constexpr uint64_t kMaxArrayBytes = uint64_t{1} << 30;

class ArrayMap final : public Map {
public:
    explicit ArrayMap(const MapDef& def) : Map(def), percpu_(def.type == map_type::kPercpuArray) {
        namespace f = map_flag;
        check_key_size(def, 4);
        uint32_t allowed = f::kNumaNode | f::kAccessMask | f::kInnerMap;
        if (!percpu_) allowed |= f::kMmapable;
        check_map_def(def, allowed);
        bytes_ = uint64_t{def.value_size} * def.max_entries;
        if (bytes_ > kMaxArrayBytes)
            map_def_error(def, std::to_string(bytes_) + " bytes of values exceed the 1 GiB limit");
        storage_ = std::make_unique<uint64_t[]>((bytes_ + 7) / 8);
        if (!def.initial_data.empty()) {
            if (def.initial_data.size() > bytes_)
                map_def_error(def, "initial data of " + std::to_string(def.initial_data.size()) +
                                       " bytes exceed the map's " + std::to_string(bytes_) + " bytes");
            std::memcpy(base(), def.initial_data.data(), def.initial_data.size());
        }
    }

    void* lookup(const void* key) override {
        const uint32_t i = index(key);
        return i < def().max_entries ? base() + uint64_t{i} * def().value_size : nullptr;
    }

    int update(const void* key, const void* value, uint64_t flags) override {
        if (def().read_only) return -EPERM;
        if ((flags & ~update_flag::kLock) > update_flag::kExist) return -EINVAL;
        const uint32_t i = index(key);
        if (i >= def().max_entries) return -E2BIG;
        if (flags & update_flag::kNoExist) return -EEXIST;
        // BPF_F_LOCK: the model has no BTF to find the lock word; single-threaded, the value is
        // copied whole.
        std::memmove(base() + uint64_t{i} * def().value_size, value, def().value_size);
        return 0;
    }

    int erase(const void*) override { return def().read_only ? -EPERM : -EINVAL; }

    int next_key(const void* key, void* next) override {
        uint32_t n = 0;
        if (key) {
            const uint32_t i = index(key);
            if (i < def().max_entries) {
                if (i == def().max_entries - 1) return -ENOENT;
                n = i + 1;
            }
        }
        std::memcpy(next, &n, 4);
        return 0;
    }

    uint32_t host_value_size() const override {
        return percpu_ ? round_up8(def().value_size) * kPossibleCpus : def().value_size;
    }

    bool owns(uint64_t p, uint64_t n) const override {
        const uint64_t b = reinterpret_cast<uint64_t>(storage_.get());
        if (p < b || p >= b + bytes_) return false;
        const uint64_t in = (p - b) % def().value_size;
        return n <= def().value_size - in;
    }

    uint8_t* array_base() override { return base(); }

private:
    static uint32_t index(const void* key) {
        uint32_t i;
        std::memcpy(&i, key, 4);
        return i;
    }
    uint8_t* base() const { return reinterpret_cast<uint8_t*>(storage_.get()); }

    bool percpu_;
    uint64_t bytes_ = 0;
    std::unique_ptr<uint64_t[]> storage_;
};

}  // namespace

std::unique_ptr<Map> make_array_map(const MapDef& def) { return std::make_unique<ArrayMap>(def); }

}  // namespace bpfnic
