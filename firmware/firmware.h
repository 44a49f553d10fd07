// SPDX-License-Identifier: MIT
// Firmware: the control program of the card's management processor, answering the mailbox
// (firmware/mailbox.h, docs/mailbox.md). It owns the running program's image and maps (the map
// unit's contents), checks every image before the core is touched, swaps programs between packets
// keeping the maps both declare, and serves host map access with the kernel's errno codes. Every
// command runs in the NIC's core thread between packets, so no packet sees a half-done change.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "compiler/image.h"
#include "driver/hw/hw_map_memory.h"
#include "driver/maps.h"
#include "firmware/faults.h"
#include "firmware/helper_port.h"
#include "firmware/image_check.h"
#include "firmware/mailbox.h"
#include "sim/nic/nic.h"

namespace bpfnic::fw {

class Firmware final : public nic::MailboxHandler {
public:
    Firmware(HwMapMemory& map_unit, HelperPort& helper_port, CardFaults& faults);

    uint32_t command(nic::Nic& nic, uint32_t cmd, std::array<uint32_t, nic::reg::kMboxArgCount>& args,
                     uint8_t* data, sc_core::sc_time& delay) override;

    // State the card model and tests may inspect.
    bool has_program() const { return maps_ != nullptr; }
    const Image& image() const { return image_; }
    uint64_t counter(FwCounter c) const { return counters_.at(c); }

    /// The management processor restarts: no program, no maps, counters cleared.
    void restart();
    /// A command stuck on a hang fault (CardFaults::mailbox_hang) is waiting for a function reset.
    bool hung() const { return hung_; }
    /// Ends the stuck command (it fails with kStFailed once the core thread runs again).
    void release_hang();

private:
    using Args = std::array<uint32_t, nic::reg::kMboxArgCount>;
    struct Created {
        MapDef def;
        std::unique_ptr<Map> map;
    };

    uint32_t caps(nic::Nic& nic, Args& args, uint8_t* data);
    uint32_t load(nic::Nic& nic, Args& args, uint8_t* data, sc_core::sc_time& delay, bool swap);
    uint32_t map_command(uint32_t cmd, Args& args, uint8_t* data);
    uint32_t map_create(Args& args, uint8_t* data);
    uint32_t map_info(Args& args, uint8_t* data);
    uint32_t map_digest_cmd(Args& args, uint8_t* data);
    uint32_t map_dump(nic::Nic& nic, Args& args, uint8_t* data, sc_core::sc_time& delay);
    uint32_t map_restore(nic::Nic& nic, Args& args, uint8_t* data, sc_core::sc_time& delay);
    /// Waits, in the core thread, until release_hang(); then fails the command.
    uint32_t hang(uint8_t* data);
    /// Applies an armed image fault to the bytes just read.
    void corrupt_image(std::vector<uint8_t>& bytes);
    /// Fills map i's new contents from created maps or the old program's maps of the same shape.
    uint64_t carry_over(MapSet& fresh, const Image& img, bool from_running);
    uint32_t refuse(uint32_t status, const std::string& msg, uint8_t* data);

    HwMapMemory& map_unit_;
    HelperPort& helper_port_;
    CardFaults& faults_;
    bool hung_ = false;
    sc_core::sc_event unhang_;
    Image image_;
    std::unique_ptr<MapSet> maps_;
    uint32_t entry_ = 0;
    bool running_ = false;
    std::vector<Created> created_;
    std::array<uint64_t, kFwCounterCount> counters_{};
};

}  // namespace bpfnic::fw
