// SPDX-License-Identifier: MIT
// PROG_ARRAY: slots holding u32 program indices of the object (the kernel holds program fds).
// Host side only: update needs BPF_ANY, delete of an empty slot gives -ENOENT, out-of-range
// slots give -E2BIG (kernel/bpf/arraymap.c fd-array semantics). Programs reach it only through
// bpf_tail_call (ProgArrayMap::program); a program-side lookup finds nothing.
#include <cerrno>
#include <cstring>
#include <vector>

#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

class ProgArray final : public ProgArrayMap {
public:
    explicit ProgArray(const MapDef& def) : ProgArrayMap(def) {
        check_key_size(def, 4);
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (a program index)");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly | map_flag::kInnerMap);
        slots_.assign(def.max_entries, -1);
    }

    int64_t program(uint32_t slot) const override { return slot < slots_.size() ? slots_[slot] : -1; }

    void* lookup(const void*) override { return nullptr; }

    int lookup_copy(const void* key, void* value) override {
        const int64_t p = program(index(key));
        if (p < 0) return -ENOENT;
        const uint32_t v = static_cast<uint32_t>(p);
        std::memcpy(value, &v, 4);
        return 0;
    }

    int update(const void* key, const void* value, uint64_t flags) override {
        if (flags != update_flag::kAny) return -EINVAL;
        const uint32_t i = index(key);
        if (i >= slots_.size()) return -E2BIG;
        uint32_t v;
        std::memcpy(&v, value, 4);
        slots_[i] = v;
        return 0;
    }

    int erase(const void* key) override {
        const uint32_t i = index(key);
        if (i >= slots_.size()) return -E2BIG;
        if (slots_[i] < 0) return -ENOENT;
        slots_[i] = -1;
        return 0;
    }

    int next_key(const void* key, void* next) override {
        uint32_t n = 0;
        if (key) {
            const uint32_t i = index(key);
            if (i < slots_.size()) {
                if (i + 1 == slots_.size()) return -ENOENT;
                n = i + 1;
            }
        }
        std::memcpy(next, &n, 4);
        return 0;
    }

    bool owns(uint64_t, uint64_t) const override { return false; }

private:
    static uint32_t index(const void* key) {
        uint32_t i;
        std::memcpy(&i, key, 4);
        return i;
    }
    std::vector<int64_t> slots_;
};

}  // namespace

std::unique_ptr<Map> make_prog_array_map(const MapDef& def) { return std::make_unique<ProgArray>(def); }

}  // namespace bpfnic
