// SPDX-License-Identifier: MIT
// HwHelperUnit: argument translation by helper prototype, packet synchronisation, return values.
#ifdef BPFNIC_HAVE_HW

#include "driver/hw/hw_helpers.h"

#include <array>
#include <cstring>
#include <vector>

#include "sim/address_map.h"

namespace bpfnic {

namespace {
namespace A = sim::addr;

bool in_core_memory(uint64_t addr, uint64_t n) {
    auto inside = [&](uint64_t base, uint64_t size) { return addr >= base && addr + n <= base + size && addr + n >= addr; };
    return inside(A::kStackBase, A::kStackBytes) || inside(A::kPktBase, A::kPktBytes) || inside(A::kCtxBase, A::kCtxBytes);
}
}  // namespace

bool HwHelperUnit::read_dev(sim::Device& dev, uint64_t addr, uint64_t n, std::vector<uint8_t>& out) {
    out.assign(n, 0);
    if (n == 0) return true;
    if (uint8_t* p = maps_.to_host(addr, n)) {
        std::memcpy(out.data(), p, n);
        return true;
    }
    if (!in_core_memory(addr, n)) return false;
    out = dev.read_mem(addr, n);
    return true;
}

bool HwHelperUnit::write_dev(sim::Device& dev, uint64_t addr, const std::vector<uint8_t>& bytes) {
    if (bytes.empty()) return true;
    if (uint8_t* p = maps_.to_host(addr, bytes.size())) {
        std::memcpy(p, bytes.data(), bytes.size());
        return true;
    }
    if (!in_core_memory(addr, bytes.size())) return false;
    dev.write_mem(addr, bytes);
    return true;
}

void HwHelperUnit::sync_packet_to_host(sim::Device& dev, XdpBuff& xdp) {
    // The device context says where the packet is now (helpers keep both sides in step).
    const uint64_t meta = dev.read_u32(A::kCtxBase + 8), end = dev.read_u32(A::kCtxBase + 4);
    const uint64_t off = meta - A::kPktBase;
    const std::vector<uint8_t> bytes = dev.read_mem(meta, end - meta);
    std::memcpy(xdp.hard_start() + off, bytes.data(), bytes.size());
}

void HwHelperUnit::sync_packet_to_device(sim::Device& dev, XdpBuff& xdp) {
    const uint64_t meta = static_cast<uint64_t>(xdp.data_meta() - xdp.hard_start());
    const uint64_t data = static_cast<uint64_t>(xdp.data() - xdp.hard_start());
    const uint64_t end = static_cast<uint64_t>(xdp.data_end() - xdp.hard_start());
    dev.write_mem(A::kPktBase + meta, std::vector<uint8_t>(xdp.data_meta(), xdp.data_end()));
    dev.write_u32(A::kCtxBase + 0, static_cast<uint32_t>(A::kPktBase + data));
    dev.write_u32(A::kCtxBase + 4, static_cast<uint32_t>(A::kPktBase + end));
    dev.write_u32(A::kCtxBase + 8, static_cast<uint32_t>(A::kPktBase + meta));
    dev.write_u32(A::kCtxBase + 12, xdp.md()->ingress_ifindex);
    dev.write_u32(A::kCtxBase + 16, xdp.md()->rx_queue_index);
    dev.write_u32(A::kCtxBase + 20, xdp.md()->egress_ifindex);
}

sim::HelperResponse HwHelperUnit::call(sim::Device& dev, int32_t id, const uint64_t args[5]) {
    sim::HelperResponse rsp;
    const HelperProto* proto = platform_ ? platform_->find_helper(id) : nullptr;
    const HelperFn fn = table_ ? table_->get(id) : nullptr;
    if (!proto || !fn || !env_) {
        rsp.error = true;
        return rsp;
    }
    std::array<uint64_t, 5> host{};
    std::array<std::vector<uint8_t>, 5> bufs;
    std::array<bool, 5> write_back{};
    Map* last_map = nullptr;
    bool uses_ctx = false;
    for (int i = 0; i < 5; ++i) {
        const ArgKind k = proto->args[i];
        const uint64_t a = args[i];
        const uint64_t next = i < 4 ? args[i + 1] : 0;
        switch (k) {
            case ArgKind::None:
            case ArgKind::Anything:
            case ArgKind::Scalar:
            case ArgKind::ConstSize:
            case ArgKind::ConstSizeOrZero:
                host[i] = a;
                break;
            case ArgKind::ConstMapPtr:
                last_map = maps_.map_of_handle(a);
                if (!last_map) {
                    rsp.error = true;
                    return rsp;
                }
                host[i] = reinterpret_cast<uint64_t>(last_map);
                break;
            case ArgKind::MapKey:
            case ArgKind::MapValue: {
                if (!last_map) {
                    rsp.error = true;
                    return rsp;
                }
                const uint32_t n = k == ArgKind::MapKey ? last_map->def().key_size : last_map->def().value_size;
                if (!read_dev(dev, a, n, bufs[i])) {
                    rsp.error = true;
                    return rsp;
                }
                host[i] = reinterpret_cast<uint64_t>(bufs[i].data());
                break;
            }
            case ArgKind::Ctx:
                if (!env_->xdp) {
                    rsp.error = true;
                    return rsp;
                }
                uses_ctx = true;
                host[i] = reinterpret_cast<uint64_t>(env_->xdp->md());
                break;
            case ArgKind::Mem:
            case ArgKind::MemOrNull:
            case ArgKind::UninitMem:
                if (k == ArgKind::MemOrNull && a == 0) {
                    host[i] = 0;
                    break;
                }
                if (!read_dev(dev, a, next, bufs[i])) {
                    rsp.error = true;
                    return rsp;
                }
                write_back[i] = k == ArgKind::UninitMem;
                host[i] = reinterpret_cast<uint64_t>(bufs[i].data());
                break;
            case ArgKind::SpinLock: {
                uint8_t* p = maps_.to_host(a, 4);
                if (!p) {
                    rsp.error = true;
                    return rsp;
                }
                host[i] = reinterpret_cast<uint64_t>(p);
                break;
            }
        }
    }
    if (uses_ctx) sync_packet_to_host(dev, *env_->xdp);
    uint64_t r0 = fn(env_, host[0], host[1], host[2], host[3], host[4]);
    if (uses_ctx) sync_packet_to_device(dev, *env_->xdp);
    for (int i = 0; i < 5; ++i) {
        if (write_back[i] && !write_dev(dev, args[i], bufs[i])) {
            rsp.error = true;
            return rsp;
        }
    }
    if (proto->ret == RetKind::MapValueOrNull && r0 != 0) {
        const int mi = maps_.index_of_handle(args[0]);
        r0 = maps_.to_device(static_cast<uint32_t>(mi), reinterpret_cast<const uint8_t*>(r0));
    }
    if (env_->tail_call_target >= 0) {
        rsp.error = true;  // tail calls are refused at load time; never reached
        return rsp;
    }
    if (env_->unwind) {
        rsp.exit = true;
        r0 = 0;
    }
    rsp.r0 = r0;
    return rsp;
}

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
