// SPDX-License-Identifier: MIT
// CardTarget: the program on the card. Images go to host memory and through the mailbox to the
// firmware; packets travel the TX ring, the loopback cable and the port under test; XDP_PASS
// frames come back on the RX ring, XDP_TX and XDP_REDIRECT frames off the wire; a packet's
// verdict is the verdict counter it moved. Maps are the firmware's, reached through the mailbox.
#pragma once

#ifdef BPFNIC_HAVE_CARD

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "driver/api/mailbox_client.h"
#include "driver/api/rings.h"
#include "driver/api/target.h"
#include "driver/bpfnic.h"
#include "firmware/card.h"

namespace bpfnic::api {

class CardTarget final : public Target {
public:
    explicit CardTarget(fw::Card& card);

    /// Resets the card (firmware state, rings, counters) and programs the rings.
    void reset();
    /// Loads an image and starts the card; 0 or -errno with `msg` set to the firmware's message.
    int load_and_start(const std::vector<uint8_t>& image, std::string& msg);
    /// Swaps an image in under traffic; 0 or -errno (the running program is untouched on failure).
    int swap(const std::vector<uint8_t>& image, std::string& msg);
    int caps(bpfnic_caps& out);
    void counters(bpfnic_counters& out);

    const char* name() const override { return "hw"; }
    PacketOutcome run(const std::vector<uint8_t>& packet) override;
    int map_lookup(uint32_t map, const void* key, void* value) override;
    int map_update(uint32_t map, const void* key, const void* value, uint64_t flags) override;
    int map_delete(uint32_t map, const void* key) override;
    int map_next_key(uint32_t map, const void* key, void* next) override;
    uint32_t map_value_size(uint32_t map) override;
    std::vector<uint64_t> map_digests() override;

    /// Traffic: queue (false when the TX ring is full), advance, collect.
    bool send(const std::vector<uint8_t>& packet);
    void advance(double ns);
    /// Runs until every queued frame went through; adds what came out since the last collect.
    void collect(bpfnic_batch_result& out);

private:
    std::array<uint64_t, 5> verdict_counters();
    uint64_t core_cycles();
    int put_image(uint32_t cmd, const std::vector<uint8_t>& image, std::string& msg);
    struct MapShape {
        uint32_t key_size = 0, value_size = 0;
    };
    const MapShape* shape(uint32_t map);

    fw::Card& card_;
    MailboxClient mbox_;
    Rings rings_;
    std::vector<MapShape> shapes_;
    // Baseline of the traffic being collected.
    bool in_flight_ = false;
    std::array<uint64_t, 5> base_verdicts_{};
    uint64_t base_cycles_ = 0;
    double base_time_ = 0;
    uint64_t sent_ = 0;
};

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
