// SPDX-License-Identifier: MIT
// PROG_ARRAY: slots holding u32 program indices of the object (the kernel holds program fds).
// Host side only: update needs BPF_ANY, delete of an empty slot gives -ENOENT, out-of-range
// slots give -E2BIG (kernel/bpf/arraymap.c fd-array semantics). Programs reach it only through
// bpf_tail_call (ProgArrayMap::program); a program-side lookup finds nothing.
#include <cerrno>
#include <cstring>

#include "driver/maps/fd_slots.h"
#include "driver/maps/map_kinds.h"

namespace bpfnic {

namespace {

class ProgArray final : public ProgArrayMap {
public:
    explicit ProgArray(const MapDef& def) : ProgArrayMap(def), slots_(def.max_entries, -1) {
        check_key_size(def, 4);
        if (def.value_size != 4) map_def_error(def, "value_size must be 4 (a program index)");
        check_map_def(def, map_flag::kNumaNode | map_flag::kRdonly | map_flag::kWronly | map_flag::kInnerMap);
    }

    int64_t program(uint32_t slot) const override {
        const int64_t* p = slots_.at(slot);
        return p ? *p : -1;
    }

    void* lookup(const void*) override { return nullptr; }

    int lookup_copy(const void* key, void* value) override {
        const int64_t p = program(FdSlots<int64_t>::index(key));
        if (p < 0) return -ENOENT;
        const uint32_t v = static_cast<uint32_t>(p);
        std::memcpy(value, &v, 4);
        return 0;
    }

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

std::unique_ptr<Map> make_prog_array_map(const MapDef& def) { return std::make_unique<ProgArray>(def); }

}  // namespace bpfnic
