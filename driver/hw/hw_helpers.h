// SPDX-License-Identifier: MIT
// HwHelperUnit: the model of the device's helper units behind the core's helper port. Each call
// is served by the software helper implementation of the platform, with its arguments translated
// from the device's address map by the helper prototype: map handles become maps, keys, values
// and memory buffers are copied out of device memory (and written back for output buffers), the
// context argument becomes the run's XdpBuff (whose packet and context are synchronised with the
// device around the call), and returned map values become device addresses of the map region.
#pragma once

#ifdef BPFNIC_HAVE_HW

#include <cstdint>

#include "compiler/platform.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_map_memory.h"
#include "sim/device.h"

namespace bpfnic {

class HwHelperUnit final : public sim::HelperUnit {
public:
    HwHelperUnit(HwMapMemory& maps) : maps_(maps) {}
    void bind(const Platform* platform, const HelperTable* table) {
        platform_ = platform;
        table_ = table;
    }
    /// The run's environment (null xdp in raw mode).
    void set_env(ExecEnv* env) { env_ = env; }

    sim::HelperResponse call(sim::Device& dev, int32_t id, const uint64_t args[5]) override;

    /// Copies of device memory for helpers; also used by the engine. Throws on a bad range.
    static void sync_packet_to_host(sim::Device& dev, XdpBuff& xdp);
    static void sync_packet_to_device(sim::Device& dev, XdpBuff& xdp);

private:
    bool read_dev(sim::Device& dev, uint64_t addr, uint64_t n, std::vector<uint8_t>& out);
    bool write_dev(sim::Device& dev, uint64_t addr, const std::vector<uint8_t>& bytes);

    HwMapMemory& maps_;
    const Platform* platform_ = nullptr;
    const HelperTable* table_ = nullptr;
    ExecEnv* env_ = nullptr;
};

}  // namespace bpfnic

#endif  // BPFNIC_HAVE_HW
