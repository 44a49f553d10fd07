// SPDX-License-Identifier: MIT
// CardTarget: the program on the card. Images go to host memory and through the mailbox to the
// firmware; packets travel the TX ring, the loopback cable and the port under test; XDP_PASS
// frames come back on the RX ring, XDP_TX and XDP_REDIRECT frames off the wire; a packet's
// verdict is the verdict counter it moved. Maps are the firmware's, reached through the mailbox.
//
// Reliability (docs/reliability.md): the target keeps the running image, a shadow of the card's
// maps (a dump taken at checkpoints) and a log of what changed them since (packets, host map
// writes). When the card resets itself or its firmware stops answering, it resets the card,
// reloads the image, restores the shadow and replays the log, so no packet or map entry is lost;
// a run whose outcome came back incomplete is counted (errors, pass_lost), never dropped silently.
#pragma once

#ifdef BPFNIC_HAVE_CARD

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "driver/api/fault_stats.h"
#include "driver/api/mailbox_client.h"
#include "driver/api/rings.h"
#include "driver/api/target.h"
#include "driver/bpfnic.h"
#include "firmware/card.h"

namespace bpfnic::api {

/// A recovery failed: the card does not run the program any more (it is reset and idle). The
/// program's map shadow and log stay readable for a software fallback (driver/api/fallback.h).
class CardLost : public Error {
public:
    explicit CardLost(const std::string& msg) : Error(ErrorKind::Internal, msg) {}
};

class CardTarget final : public Target {
public:
    /// The per-packet cycle budget a device handle starts with (the NIC's reset value).
    static constexpr uint32_t kDefaultCycleBudget = 10'000'000;

    CardTarget(fw::Card& card, FaultStats& stats);

    /// Resets the card (firmware state, rings, counters) and programs the rings.
    void reset();
    /// Loads an image and starts the card; 0 or -errno with `msg` set to the firmware's message.
    int load_and_start(const std::vector<uint8_t>& image, std::string& msg);
    /// Swaps an image in under traffic; 0 or -errno (the running program is untouched on failure).
    int swap(const std::vector<uint8_t>& image, std::string& msg);
    int caps(bpfnic_caps& out);
    void counters(bpfnic_counters& out);
    /// Arms a fault on the card, in the card's terms (ring slots, frame counts); throws BadInput.
    void inject(const bpfnic_fault& f);
    MailboxClient& mailbox() { return mbox_; }
    /// Disarms every fault not yet fired (a device handle starts and ends with none).
    void clear_faults();
    /// The card's per-packet cycle budget (kRunTimeout; 0: none).
    void set_cycle_budget(uint32_t cycles);

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

    /// What changed the card's maps since the checkpoint, in order.
    struct LogEntry {
        enum Kind { kPacket, kUpdate, kDelete } kind = kPacket;
        uint32_t map = 0;
        uint64_t flags = 0;
        std::vector<uint8_t> a, b;  ///< packet bytes, or key and value
    };

    /// The latest map shadow (kCmdMapDump bytes); empty when there is none.
    const std::vector<uint8_t>& map_shadow() const { return checkpoint_; }
    /// Whether map_shadow() plus replay_log() give the maps' contents.
    bool shadow_ok() const { return shadow_ok_; }
    const std::vector<LogEntry>& replay_log() const { return log_; }
    /// Log index of the first packet of the traffic in flight (the log's end when none is).
    size_t epoch_start() const { return epoch_start_; }

private:
    struct MapShape {
        uint32_t key_size = 0, value_size = 0;
    };
    struct Counts {
        std::array<uint64_t, 5> verdicts{};
        uint64_t cycles = 0, insns = 0, run_cycles = 0, core_errors = 0, too_big = 0, no_desc = 0;
    };

    // card_target.cc: images, packets, maps.
    Counts counts();
    int put_image(uint32_t cmd, const std::vector<uint8_t>& image, std::string& msg);
    int start(std::string& msg);
    const MapShape* shape(uint32_t map);
    std::optional<PacketOutcome> run_once(const std::vector<uint8_t>& packet);
    void begin_epoch();
    uint64_t nic_counter(uint32_t c);

    // card_recovery.cc: the map shadow, the log, recovery.
    /// Runs `fn` (mailbox work); on a mailbox timeout recovers the card and runs it once more.
    template <typename Fn>
    auto guarded(Fn&& fn) -> decltype(fn());
    bool card_was_reset();
    /// Recovers a card that reset itself before anything else talks to it.
    void ensure_alive();
    void checkpoint();
    void maybe_checkpoint();
    void log(LogEntry e);
    /// Resets and reinitialises the card, reloads the image, restores the shadow, replays the log
    /// before the current epoch (outputs discarded) and re-queues the epoch's packets.
    void recover(const std::string& why);
    /// Applies log entries [from, to): packets are queued (outputs kept when `keep`), map writes
    /// applied once everything queued before them went through.
    void replay(size_t from, size_t to, bool keep);
    void drain_discarding();
    /// After a failed recovery: nothing runs on the card; shadow and log are kept.
    void lose_card();

    fw::Card& card_;
    FaultStats& stats_;
    MailboxClient mbox_;
    Rings rings_;
    std::vector<MapShape> shapes_;
    std::vector<uint8_t> image_;  ///< the running image (reloaded after a reset)
    bool started_ = false;        ///< the card runs image_ (a clear enable bit then means it reset)
    uint32_t run_budget_ = 0;     ///< the card's per-packet cycle budget (kRunTimeout)

    std::vector<uint8_t> checkpoint_;
    bool shadow_ok_ = false;      ///< checkpoint_ holds the maps and log_ everything since
    std::vector<LogEntry> log_;
    size_t epoch_start_ = 0;      ///< log index of the first packet of the traffic in flight (or the run)
    bool epoch_replayable_ = true;

    // Baseline of the traffic being collected.
    bool in_flight_ = false;
    Counts base_{};
    double base_time_ = 0;
    uint64_t sent_ = 0;
    uint64_t tx_errors_ = 0;      ///< of the traffic in flight
    uint64_t replayed_ = 0;       ///< of the traffic in flight
    uint64_t lost_ = 0;           ///< of the traffic in flight: gone with a reset that could not replay them
};

template <typename Fn>
auto CardTarget::guarded(Fn&& fn) -> decltype(fn()) {
    ensure_alive();
    try {
        return fn();
    } catch (const MailboxTimeout& e) {
        ++stats_.faults_mailbox;
        stats_.note("mailbox", std::string(e.what()) + ": resetting the card and retrying");
        recover(e.what());
    }
    return fn();
}

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
