// SPDX-License-Identifier: MIT
// HwMapMemory: the model of the device's map unit behind the core's map port. Map values live in
// host MapSet storage; the device sees them in its map region: map i occupies the 4 GiB window at
// (i + 1) << 32. Array-like maps are laid out exactly as their host storage (index * value_size);
// other maps (hash, LRU, LPM) get a slot per value the first time a helper hands the value to the
// program. Every access is checked to lie inside one live value; atomics execute here.
#pragma once

#ifdef BPFNIC_HAVE_HW

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "driver/maps.h"
#include "sim/services.h"

namespace bpfnic {

class HwMapMemory final : public sim::MapMemory {
public:
    void bind(MapSet* maps);
    MapSet* maps() const { return maps_; }

    /// The device value of an lddw reference to map i (a small integer handle).
    static uint64_t handle(uint32_t map_index);
    /// The map of a handle, or nullptr.
    Map* map_of_handle(uint64_t h) const;
    int index_of_handle(uint64_t h) const;

    /// Device address of a host pointer into a value of map i (registers a slot when needed).
    uint64_t to_device(uint32_t map_index, const uint8_t* host);
    /// Host pointer of [dev, dev + n) if it lies inside one live value, else nullptr.
    uint8_t* to_host(uint64_t dev, uint64_t n) const;

    sim::ExtResponse access(const sim::ExtRequest& req) override;

private:
    struct Slots {
        uint32_t stride = 8;
        std::vector<uint8_t*> ptr;
        std::unordered_map<const uint8_t*, uint32_t> index;
    };
    MapSet* maps_ = nullptr;
    std::vector<Slots> slots_;
};

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
