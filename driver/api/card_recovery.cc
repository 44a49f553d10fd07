// SPDX-License-Identifier: MIT
// CardTarget's recovery: the map shadow (a dump through the firmware at checkpoints), the log of
// what changed the maps since, and the reset, reload, restore and replay after a card reset or a
// firmware that stopped answering.
#ifdef BPFNIC_HAVE_CARD

#include <cerrno>
#include <cstring>

#include "compiler/error.h"
#include "driver/api/card_target.h"
#include "firmware/mailbox.h"

namespace bpfnic::api {

namespace nic = sim::nic;
using Args = std::array<uint32_t, 16>;

namespace {
constexpr size_t kCheckpointEvery = 512;  // log entries between two map shadows
constexpr double kDrainLimitNs = 200e6;
}  // namespace

bool CardTarget::card_was_reset() {
    return started_ && !(card_.read32(nic::reg::kStatus) & nic::kStatusEnabled);
}

void CardTarget::ensure_alive() {
    if (!card_was_reset()) return;
    ++stats_.faults_reset;
    stats_.note("reset", "the card reset itself between commands");
    recover("the card reset itself");
}

void CardTarget::checkpoint() {
    log_.clear();
    epoch_start_ = 0;
    shadow_ok_ = false;
    checkpoint_.clear();
    Args a{};
    a[0] = static_cast<uint32_t>(layout::kDumpAddr);
    a[1] = static_cast<uint32_t>(layout::kDumpAddr >> 32);
    a[2] = layout::kDumpBytes;
    const MailboxReply r = mbox_.call(fw::kCmdMapDump, a);
    if (r.status != fw::kStOk) {
        stats_.note("shadow", "no map shadow: " + r.message + " (a card reset loses the maps)");
        return;
    }
    checkpoint_.resize(r.args[0]);
    card_.host_read(layout::kDumpAddr, checkpoint_.data(), checkpoint_.size());
    shadow_ok_ = true;
}

void CardTarget::maybe_checkpoint() {
    if (!in_flight_ && started_ && log_.size() >= kCheckpointEvery) checkpoint();
}

void CardTarget::log(LogEntry e) {
    if (!shadow_ok_) return;
    const bool host_write = e.kind != LogEntry::kPacket;
    log_.push_back(std::move(e));
    // Outside traffic, epoch_start_ stays at the log's end: everything logged is done.
    if (host_write && !in_flight_) epoch_start_ = log_.size();
}

void CardTarget::lose_card() {
    // The shadow and the log stay for a fallback; the card is left reset and idle.
    started_ = false;
    image_.clear();
    shapes_.clear();
    in_flight_ = false;
    try {
        card_.function_reset();
        const MailboxReply r = mbox_.call(fw::kCmdReset, Args{});
        (void)r;
        card_.write32(nic::reg::kIrqStatus, ~0u);
        rings_.setup();
        (void)card_.take_wire();
    } catch (const Error&) {
        // The next load resets the card again.
    }
}

void CardTarget::drain_discarding() {
    if (!card_.run_until_idle(kDrainLimitNs)) throw Error(ErrorKind::Internal, "recovery: the card did not drain the replayed packets");
    (void)rings_.reap_tx();
    (void)rings_.reap_rx();
    (void)card_.take_wire();
}

void CardTarget::replay(size_t from, size_t to, bool keep) {
    for (size_t i = from; i < to; ++i) {
        const LogEntry& e = log_[i];
        if (e.kind == LogEntry::kPacket) {
            while (!rings_.post_tx(e.a, fw::Card::kLoopbackPort)) {
                if (keep) throw Error(ErrorKind::Internal, "recovery: the traffic in flight does not fit the TX ring");
                drain_discarding();
            }
            continue;
        }
        // A map write lands after every packet queued before it.
        if (!card_.run_until_idle(kDrainLimitNs)) throw Error(ErrorKind::Internal, "recovery: the card did not drain the replayed packets");
        if (!keep) drain_discarding();
        Args a{};
        a[0] = e.map;
        std::vector<uint8_t> data = e.a;
        uint32_t cmd = fw::kCmdMapDelete;
        if (e.kind == LogEntry::kUpdate) {
            cmd = fw::kCmdMapUpdate;
            a[1] = static_cast<uint32_t>(e.flags);
            a[2] = static_cast<uint32_t>(e.flags >> 32);
            data.insert(data.end(), e.b.begin(), e.b.end());
        }
        (void)mbox_.call(cmd, a, data);
    }
}

void CardTarget::recover(const std::string& why) {
    try {
        card_.function_reset();
        const MailboxReply r = mbox_.call(fw::kCmdReset, Args{});
        if (r.status != fw::kStOk) throw Error(ErrorKind::Internal, "reset refused: " + r.message);
        card_.write32(nic::reg::kIrqStatus, ~0u);
        rings_.setup();
        (void)card_.take_wire();
        started_ = false;
        if (image_.empty()) {
            ++stats_.recoveries;
            stats_.note("recovery", why + ": card reset (no program was running)");
            return;
        }
        std::string msg;
        if (const int rc = put_image(fw::kCmdLoadImage, image_, msg))
            throw Error(ErrorKind::Internal, "the card refused the program's image on reload (" + std::to_string(rc) + "): " + msg);
        if (start(msg)) throw Error(ErrorKind::Internal, "the card did not start: " + msg);
        uint64_t restored = 0, replayed = 0;
        if (shadow_ok_) {
            card_.host_write(layout::kDumpAddr, checkpoint_.data(), checkpoint_.size());
            Args a{};
            a[0] = static_cast<uint32_t>(layout::kDumpAddr);
            a[1] = static_cast<uint32_t>(layout::kDumpAddr >> 32);
            a[2] = static_cast<uint32_t>(checkpoint_.size());
            const MailboxReply m = mbox_.call(fw::kCmdMapRestore, a);
            if (m.status != fw::kStOk) throw Error(ErrorKind::Internal, "the map shadow was refused: " + m.message);
            restored = m.args[0];
            const size_t before = std::min(epoch_start_, log_.size());
            for (size_t i = 0; i < before; ++i) replayed += log_[i].kind == LogEntry::kPacket;
            replay(0, before, false);
            drain_discarding();
        } else {
            stats_.note("recovery", "no map shadow: the maps start empty after the reset");
        }
        stats_.packets_replayed += replayed;
        if (in_flight_) {
            base_ = counts();
            base_time_ = card_.now_ns();
            tx_errors_ = 0;
            if (shadow_ok_ && epoch_replayable_) {
                uint64_t n = 0;
                for (size_t i = epoch_start_; i < log_.size(); ++i) n += log_[i].kind == LogEntry::kPacket;
                replay(epoch_start_, log_.size(), true);
                replayed_ += n;
                stats_.packets_replayed += n;
            } else {
                // Nothing to run them again from: counted, not silently gone.
                lost_ += sent_;
                stats_.packets_lost += sent_;
                stats_.note("reset", std::to_string(sent_) + " packet(s) in flight lost with the reset (counted as errors)");
                log_.resize(std::min(epoch_start_, log_.size()));
            }
        }
        ++stats_.recoveries;
        stats_.note("recovery", why + ": card reset, program reloaded, " + std::to_string(restored) + " map entries restored, " +
                                    std::to_string(replayed) + " logged packet(s) replayed");
    } catch (const Error& e) {
        const std::string msg = "the card did not recover (" + why + "): " + e.what();
        stats_.note("recovery", msg);
        lose_card();
        throw CardLost(msg);
    }
}

}  // namespace bpfnic::api

#endif  // BPFNIC_HAVE_CARD
