// SPDX-License-Identifier: MIT
// The NIC tests' shared system (one per process: SystemC elaborates once) with the driver's map
// and helper unit models behind the core's ports, and a small host driver: image load, RX and TX
// rings in host memory, counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "driver/exec_env.h"
#include "driver/hw/hw_helpers.h"
#include "driver/hw/hw_map_memory.h"
#include "driver/maps.h"
#include "driver/xdp_buff.h"
#include "sim/nic/nic_system.h"

namespace bpfnic::tests {

namespace nic = sim::nic;

/// Host memory layout the tests use.
inline constexpr uint64_t kImageAddr = 0x10000;
inline constexpr uint64_t kRxRingAddr = 0x100000;
inline constexpr uint64_t kTxRingAddr = 0x180000;
inline constexpr uint64_t kRxBufAddr = 0x200000;
inline constexpr uint64_t kTxBufAddr = 0x800000;
inline constexpr uint32_t kBufBytes = 2048;

struct RxEntry {
    std::vector<uint8_t> bytes;
    unsigned port = 0;
    uint16_t flags = 0;
};

class NicTestEnv {
public:
    static NicTestEnv& get();

    nic::NicSystem& sys() { return sys_; }
    nic::Nic& card() { return sys_.nic(); }

    /// Resets the card and binds `maps` to the map and helper units.
    void reset(MapSet& maps);
    /// Bundles program `entry` of obj for the card (4 lanes), writes it to host memory and loads
    /// it through CTRL.LOAD; returns the STATUS register afterwards.
    uint32_t load(const Object& obj, size_t entry, MapSet& maps);
    /// Loads raw slots (4 per bundle) the same way.
    uint32_t load_slots(const std::vector<uint64_t>& slots);
    /// Sets up the RX ring with `size` entries and posts `posted` buffers.
    void setup_rx(uint32_t size, uint32_t posted);
    /// Completed RX descriptors from `from` up to the card's head.
    std::vector<RxEntry> rx_completed(uint32_t from = 0);
    /// Sets up the TX ring with `size` entries (nothing posted).
    void setup_tx(uint32_t size);
    /// Posts a frame on the TX ring for `port`; returns its descriptor index.
    uint32_t post_tx(const std::vector<uint8_t>& frame, unsigned port);
    uint16_t tx_flags(uint32_t index);
    uint64_t nic_counter(nic::NicCounter c) { return sys_.read64(nic::reg::kNicCounters + 8 * c); }
    uint64_t core_counter(nic::CoreCounter c) { return sys_.read64(nic::reg::kCoreCounters + 8 * c); }

private:
    NicTestEnv();

    HwMapMemory map_mem_;
    HwHelperUnit helpers_{map_mem_};
    ExecEnv env_;
    XdpBuff xdp_;
    nic::NicSystem sys_;
    uint32_t tx_size_ = 0;
    uint32_t tx_tail_ = 0;
};

/// Path of a built example object (BPFNIC_BINARY_DIR/examples/NAME.o).
std::string example_object(const std::string& name);

}  // namespace bpfnic::tests
