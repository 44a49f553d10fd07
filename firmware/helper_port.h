// SPDX-License-Identifier: MIT
// HelperPort: the card's helper units behind the core's helper port. Calls go to the driver's
// helper unit model (HwHelperUnit); helpers that take the context (adjust_head/tail/meta,
// fib_lookup, load/store_bytes) first get a host mirror of the frame whose geometry (data,
// data_end, data_meta, ingress port) is read from the device context, since on the card the
// receive MAC, not an XdpBuff, placed the frame. The run environment (deterministic sources,
// redirect target) persists across packets, as the units' state does.
#pragma once

#include <cstdint>

#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_helpers.h"
#include "driver/hw/hw_map_memory.h"
#include "driver/maps.h"
#include "driver/xdp_buff.h"
#include "sim/services.h"

namespace bpfnic::fw {

class HelperPort final : public sim::HelperUnit {
public:
    explicit HelperPort(HwMapMemory& maps);

    /// Binds the running program's maps (null: none) and resets the environment.
    void bind(MapSet* maps);
    ExecEnv& env() { return env_; }

    sim::HelperResponse call(sim::Device& dev, int32_t id, const uint64_t args[5]) override;

private:
    void mirror_frame(sim::Device& dev);

    HwHelperUnit unit_;
    ExecEnv env_;
    XdpBuff mirror_;
};

}  // namespace bpfnic::fw
