// SPDX-License-Identifier: MIT
// HelperPort: frame mirroring for context helpers, delegation to the helper unit model.
#include "firmware/helper_port.h"

#include <vector>

#include "sim/address_map.h"
#include "sim/device.h"

namespace bpfnic::fw {

namespace A = sim::addr;

HelperPort::HelperPort(HwMapMemory& maps) : unit_(maps) {
    unit_.bind(&hardware_platform(), &xdp_helper_table());
    bind(nullptr);
}

void HelperPort::bind(MapSet* maps) {
    env_ = ExecEnv{};
    env_.maps = maps;
    env_.xdp = &mirror_;
    unit_.set_env(&env_);
}

void HelperPort::mirror_frame(sim::Device& dev) {
    const uint64_t base = A::kPktBase + XdpBuff::kHeadroom;
    const uint64_t data = dev.read_u32(A::kCtxBase + 0), end = dev.read_u32(A::kCtxBase + 4);
    const uint64_t meta = dev.read_u32(A::kCtxBase + 8);
    const uint32_t ifindex = dev.read_u32(A::kCtxBase + 12), rxq = dev.read_u32(A::kCtxBase + 16);
    // Lay the mirror out as the device frame: the packet from the headroom's end, then move data
    // and data_meta where the program moved them. The bytes come from the device right after.
    const uint64_t len = end > base ? end - base : 0;
    mirror_.reset(std::vector<uint8_t>(len, 0), ifindex, rxq);
    if (data != base) mirror_.adjust_head(static_cast<int64_t>(data) - static_cast<int64_t>(base));
    if (meta != data) mirror_.adjust_meta(static_cast<int64_t>(meta) - static_cast<int64_t>(data));
}

sim::HelperResponse HelperPort::call(sim::Device& dev, int32_t id, const uint64_t args[5]) {
    const HelperProto* proto = hardware_platform().find_helper(id);
    bool uses_ctx = false;
    if (proto)
        for (ArgKind k : proto->args) uses_ctx |= k == ArgKind::Ctx;
    if (uses_ctx) mirror_frame(dev);
    return unit_.call(dev, id, args);
}

}  // namespace bpfnic::fw
