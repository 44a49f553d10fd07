// SPDX-License-Identifier: MIT
// PERF_EVENT_ARRAY: one slot per CPU (max_entries 0 means the possible CPUs, as libbpf fills it).
// The model is the listener on every slot, as libbpf's perf_buffer opens one per CPU: slots start
// open, holding their own index; a host delete closes a slot (bpf_perf_event_output to it then
// gives -ENOENT, as in the kernel) and an update (BPF_ANY only) reopens it. Records go to
// ExecEnv::perf. Neither side can read the slots (the kernel's lookup is not supported either).
#include <cerrno>
#include <cstring>

#include "driver/maps/fd_slots.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

class PerfEventArray final : public PerfEventArrayMap {
public:
    explicit PerfEventArray(const MapDef& def) : PerfEventArrayMap(def), slots_(def.max_entries, -1) {
        check_key_size(def, 4);
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (a perf event)");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly | map_flag::kPreserveElems |
                               map_flag::kInnerMap);
        for (uint32_t i = 0; i < def.max_entries; ++i) slots_.put(&i, i);
    }

    bool open(uint32_t slot) const override { return slots_.filled(slot) != nullptr; }

    void* lookup(const void*) override { return nullptr; }
    int lookup_copy(const void*, void*) override { return -EOPNOTSUPP; }

    int update(const void* key, const void* value, uint64_t flags) override {
        return slots_.update_u32(key, value, flags);
    }

    int erase(const void* key) override { return slots_.erase(key); }
    int next_key(const void* key, void* next) override { return slots_.next_key(key, next); }
    bool owns(uint64_t, uint64_t) const override { return false; }

private:
    FdSlots<int64_t> slots_;
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
