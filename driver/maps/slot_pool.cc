// SPDX-License-Identifier: MIT
// Chunked, never-moving value slots with a free list (see slot_pool.h).
#include "driver/maps/slot_pool.h"

#include <cstring>

namespace bpfnic {

SlotPool::SlotPool(uint32_t value_size, uint32_t capacity)
    : value_size_(value_size), stride_((value_size + 7) & ~7u), capacity_(capacity) {
    if (stride_ == 0) stride_ = 8;
}

uint32_t SlotPool::alloc() {
    if (live_ >= capacity_) return UINT32_MAX;
    uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = next_++;
        if ((slot >> kChunkBits) >= chunks_.size()) {
            const size_t bytes = size_t{stride_} << kChunkBits;
            chunks_.push_back(std::make_unique<uint8_t[]>(bytes));  // value-initialised: zero
            chunk_by_addr_[reinterpret_cast<uint64_t>(chunks_.back().get())] =
                static_cast<uint32_t>(chunks_.size() - 1);
        }
    }
    ++live_;
    std::memset(at(slot), 0, stride_);
    return slot;
}

void SlotPool::free(uint32_t slot) {
    free_.push_back(slot);
    --live_;
}

bool SlotPool::owns(uint64_t p, uint64_t n) const {
    auto it = chunk_by_addr_.upper_bound(p);
    if (it == chunk_by_addr_.begin()) return false;
    --it;
    const uint64_t off = p - it->first;
    const uint64_t index = off / stride_;
    if (index > kChunkMask) return false;
    const uint64_t slot = (uint64_t{it->second} << kChunkBits) + index;
    if (slot >= next_) return false;
    const uint64_t in = off % stride_;
    return in < value_size_ && n <= value_size_ - in;
}

}  // namespace bpfnic
