// SPDX-License-Identifier: MIT
// The host-side semantics the kernel's fd arrays share (kernel/bpf/arraymap.c: PROG_ARRAY,
// PERF_EVENT_ARRAY, ARRAY_OF_MAPS): slots indexed by a u32 key, update only with BPF_ANY,
// -E2BIG past the end, -ENOENT when deleting an empty slot, next_key in index order with a
// missing or out-of-range key restarting at slot 0.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "driver/maps.h"

namespace bpfnic {

template <typename Slot>
class FdSlots {
public:
    FdSlots(uint32_t n, Slot empty) : slots_(n, empty), empty_(empty) {}

    static uint32_t index(const void* key) {
        uint32_t i;
        std::memcpy(&i, key, 4);
        return i;
    }
    /// The slot at i, or nullptr out of range.
    const Slot* at(uint32_t i) const { return i < slots_.size() ? &slots_[i] : nullptr; }
    /// The slot at i when it is filled, else nullptr.
    const Slot* filled(uint32_t i) const {
        const Slot* s = at(i);
        return s && !(*s == empty_) ? s : nullptr;
    }
    /// Whether an update of key with flags may proceed: 0, -EINVAL (flags) or -E2BIG (range).
    int check_update(const void* key, uint64_t flags) const {
        if (flags != update_flag::kAny) return -EINVAL;
        return index(key) < slots_.size() ? 0 : -E2BIG;
    }
    /// Stores v at key's slot (after check_update succeeded).
    void put(const void* key, const Slot& v) { slots_[index(key)] = v; }
    /// The whole update of a slot holding a u32 value (program index, perf event): checks, then
    /// stores.
    int update_u32(const void* key, const void* value, uint64_t flags) {
        if (int err = check_update(key, flags)) return err;
        uint32_t v;
        std::memcpy(&v, value, 4);
        put(key, v);
        return 0;
    }
    int erase(const void* key) {
        const uint32_t i = index(key);
        if (i >= slots_.size()) return -E2BIG;
        if (slots_[i] == empty_) return -ENOENT;
        slots_[i] = empty_;
        return 0;
    }
    int next_key(const void* key, void* next) const {
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

private:
    std::vector<Slot> slots_;
    Slot empty_;
};

}  // namespace bpfnic
