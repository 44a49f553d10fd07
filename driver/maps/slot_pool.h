// SPDX-License-Identifier: MIT
// Stable storage for the values of element maps (hash, LRU, LPM trie, devmap hash): fixed-size
// slots in chunks that are never moved or freed while the map lives, so a value pointer handed to
// a program stays valid. Freed slots go on a free list and are reused by later inserts, as the
// kernel reuses the elements of preallocated maps; owns() therefore accepts any slot ever handed
// out, live or freed, just as the kernel's memory stays mapped.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace bpfnic {

class SlotPool {
public:
    /// value_size: bytes a program may access per slot; capacity: most slots ever needed.
    SlotPool(uint32_t value_size, uint32_t capacity);

    /// A zeroed slot, or UINT32_MAX when capacity slots are live.
    uint32_t alloc();
    void free(uint32_t slot);
    uint8_t* at(uint32_t slot) const { return chunks_[slot >> kChunkBits].get() + (slot & kChunkMask) * stride_; }
    uint32_t live() const { return live_; }
    /// Does [p, p+n) lie inside the value_size bytes of one slot handed out so far?
    bool owns(uint64_t p, uint64_t n) const;

private:
    static constexpr uint32_t kChunkBits = 8;
    static constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;

    uint32_t value_size_, stride_, capacity_;
    uint32_t next_ = 0;  // slots handed out at least once
    uint32_t live_ = 0;
    std::vector<std::unique_ptr<uint8_t[]>> chunks_;
    std::map<uint64_t, uint32_t> chunk_by_addr_;  // chunk base address -> chunk number
    std::vector<uint32_t> free_;
};

}  // namespace bpfnic
