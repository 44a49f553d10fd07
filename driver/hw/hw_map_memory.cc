// SPDX-License-Identifier: MIT
// HwMapMemory: address translation, bounds checks and atomics of the map unit model.
#ifdef BPFNIC_HAVE_HW

#include "driver/hw/hw_map_memory.h"

#include <cstring>

#include "sim/address_map.h"

namespace bpfnic {

namespace {
uint64_t load_le(const uint8_t* p, unsigned n) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    return v;
}
void store_le(uint8_t* p, unsigned n, uint64_t v) { std::memcpy(p, &v, n); }
uint64_t mask(unsigned n) { return n >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * n)) - 1; }
}  // namespace

void HwMapMemory::bind(MapSet* maps) {
    maps_ = maps;
    slots_.assign(maps ? maps->size() : 0, Slots{});
    for (size_t i = 0; i < slots_.size(); ++i) {
        const uint32_t vs = maps->at(i).def().value_size;
        slots_[i].stride = (vs + 7u) & ~7u;
        if (slots_[i].stride == 0) slots_[i].stride = 8;
    }
}

uint64_t HwMapMemory::handle(uint32_t map_index) { return sim::addr::kMapHandleBase + map_index; }

int HwMapMemory::index_of_handle(uint64_t h) const {
    if (!maps_ || h < sim::addr::kMapHandleBase || h >= sim::addr::kMapHandleBase + maps_->size()) return -1;
    return static_cast<int>(h - sim::addr::kMapHandleBase);
}

Map* HwMapMemory::map_of_handle(uint64_t h) const {
    const int i = index_of_handle(h);
    return i < 0 ? nullptr : &maps_->at(static_cast<size_t>(i));
}

uint64_t HwMapMemory::to_device(uint32_t map_index, const uint8_t* host) {
    Map& m = maps_->at(map_index);
    const uint64_t base = sim::addr::map_region(map_index);
    if (const uint8_t* ab = m.array_base()) {
        const uint64_t size = uint64_t{m.def().max_entries} * m.def().value_size;
        if (host >= ab && host < ab + size) return base + static_cast<uint64_t>(host - ab);
    }
    Slots& s = slots_[map_index];
    auto it = s.index.find(host);
    uint32_t slot;
    if (it != s.index.end()) {
        slot = it->second;
    } else {
        slot = static_cast<uint32_t>(s.ptr.size());
        s.ptr.push_back(const_cast<uint8_t*>(host));
        s.index.emplace(host, slot);
    }
    return base + uint64_t{slot} * s.stride;
}

uint8_t* HwMapMemory::to_host(uint64_t dev, uint64_t n) const {
    if (!maps_ || dev < sim::addr::kExtBase) return nullptr;
    const uint64_t mi = (dev >> 32) - 1;
    if (mi >= maps_->size()) return nullptr;
    Map& m = maps_->at(mi);
    const uint64_t off = dev & 0xffffffffu;
    uint8_t* host = nullptr;
    if (uint8_t* ab = m.array_base()) {
        host = ab + off;
    } else {
        const Slots& s = slots_[mi];
        const uint64_t slot = off / s.stride, in = off % s.stride;
        if (slot >= s.ptr.size() || in + n > m.def().value_size) return nullptr;
        host = s.ptr[slot] + in;
    }
    return m.owns(reinterpret_cast<uint64_t>(host), n) ? host : nullptr;
}

sim::ExtResponse HwMapMemory::access(const sim::ExtRequest& req) {
    sim::ExtResponse rsp;
    uint8_t* p = to_host(req.addr, req.width);
    if (!p) {
        rsp.error = true;
        return rsp;
    }
    const unsigned n = req.width;
    if (req.atomic) {
        const uint64_t old = load_le(p, n);
        const uint64_t v = req.wdata & mask(n);
        uint64_t nv = old;
        switch (req.atomic_op & 0xf0) {
            case 0x00: nv = old + v; break;
            case 0x40: nv = old | v; break;
            case 0x50: nv = old & v; break;
            case 0xa0: nv = old ^ v; break;
            case 0xe0: nv = v; break;
            case 0xf0: nv = (old == (req.cmp & mask(n))) ? v : old; break;
            default: rsp.error = true; return rsp;
        }
        store_le(p, n, nv & mask(n));
        rsp.rdata = old;
    } else if (req.write) {
        store_le(p, n, req.wdata);
    } else {
        rsp.rdata = load_le(p, n);
    }
    return rsp;
}

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
