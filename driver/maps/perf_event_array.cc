// SPDX-License-Identifier: MIT
// PERF_EVENT_ARRAY: one slot per CPU (max_entries 0 means the possible CPUs, as libbpf fills it).
// The model is the listener on every slot, as libbpf's perf_buffer opens one per CPU: slots start
// open, holding their own index; a host delete closes a slot (bpf_perf_event_output to it then
// gives -ENOENT, as in the kernel) and an update (BPF_ANY only) reopens it. Records go to
// ExecEnv::perf. Neither side can read the slots (the kernel's lookup is not supported either).
#include <cerrno>
#include <cstring>
#include <vector>

#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

class PerfEventArray final : public PerfEventArrayMap {
public:
    explicit PerfEventArray(const MapDef& def) : PerfEventArrayMap(def) {
        check_key_size(def, 4);
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (a perf event)");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly | map_flag::kPreserveElems |
                               map_flag::kInnerMap);
        slots_.resize(def.max_entries);
        for (uint32_t i = 0; i < def.max_entries; ++i) slots_[i] = i;
    }

    bool open(uint32_t slot) const override { return slot < slots_.size() && slots_[slot] >= 0; }

    void* lookup(const void*) override { return nullptr; }
    int lookup_copy(const void*, void*) override { return -EOPNOTSUPP; }

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

std::unique_ptr<Map> make_perf_event_array_map(const MapDef& def) {
    if (def.max_entries == 0) {
        MapDef d = def;
        d.max_entries = kPossibleCpus;
        return std::make_unique<PerfEventArray>(d);
    }
    return std::make_unique<PerfEventArray>(def);
}

}  // namespace bpfnic
